/* faultclass.c - names of the fault classes (faultclass.h). */
#include "mmusim/faultclass.h"

#include <string.h>

static const char *const names[FAULT_CLASSES] = {"none", "demand-zero", "soft",  "hard",
                                                 "cow",  "guard",       "av",    "spurious"};

const char *fault_class_name(FaultClass c) { return (unsigned)c < FAULT_CLASSES ? names[c] : "?"; }

bool fault_class_parse(const char *name, FaultClass *out) {
    for (int i = 0; i < FAULT_CLASSES; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (FaultClass)i;
            return true;
        }
    return false;
}

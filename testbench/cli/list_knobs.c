/* list_knobs.c - print the name of every knob in the model's table (knob_get), one a line.
 *
 * help-knobs.sh compares this list with `mmusim --help`, so that a knob added to knobs.c
 * cannot be missing from the help text. It asks the library itself, not mmusim.
 */
#include <stdio.h>

#include "mmusim/knobs.h"

int main(void) {
    for (size_t i = 0; i < knob_count(); i++) printf("%s\n", knob_get(i)->name);
    return ferror(stdout) || fflush(stdout) != 0;
}

/* pfn.c - PFN database and page lists (pfn.h). */
#include "pfn.h"

#include <stdlib.h>

#include "mmusim/mm_assert.h"

bool pfn_init(PfnDb *db, uint32_t first, uint32_t count) {
    *db = (PfnDb){.first = first, .count = count};
    for (int i = 0; i < PFN_LISTS; i++) db->list[i] = (PfnList){PFN_NONE, PFN_NONE, 0};
    db->e = calloc(count, sizeof *db->e);
    if (!db->e) return false;
    for (uint32_t i = 0; i < count; i++) {
        db->e[i] = (Pfn){.frame = PFN_NONE, .prev = PFN_NONE, .next = PFN_NONE};
        pfn_push(db, first + i, PFN_FREE, false);
    }
    return true;
}

void pfn_fini(PfnDb *db) {
    free(db->e);
    db->e = NULL;
}

void pfn_unlink(PfnDb *db, uint32_t pfn) {
    Pfn *p = pfn_at(db, pfn);
    MM_ASSERT(p->loc < PFN_LISTS);
    PfnList *l = &db->list[p->loc];
    if (p->prev != PFN_NONE) pfn_at(db, p->prev)->next = p->next;
    else l->head = p->next;
    if (p->next != PFN_NONE) pfn_at(db, p->next)->prev = p->prev;
    else l->tail = p->prev;
    l->count--;
    p->prev = p->next = PFN_NONE;
    p->loc = PFN_TRANSITION;
}

void pfn_push(PfnDb *db, uint32_t pfn, PfnLocation loc, bool at_head) {
    MM_ASSERT(loc < PFN_LISTS);
    Pfn *p = pfn_at(db, pfn);
    PfnList *l = &db->list[loc];
    p->loc = (uint8_t)loc;
    if (at_head) {
        p->prev = PFN_NONE, p->next = l->head;
        if (l->head != PFN_NONE) pfn_at(db, l->head)->prev = pfn;
        else l->tail = pfn;
        l->head = pfn;
    } else {
        p->next = PFN_NONE, p->prev = l->tail;
        if (l->tail != PFN_NONE) pfn_at(db, l->tail)->next = pfn;
        else l->head = pfn;
        l->tail = pfn;
    }
    l->count++;
}

const char *pfn_location_name(PfnLocation loc) {
    static const char *const n[] = {"Zeroed", "Free", "Standby", "Modified", "ModifiedNoWrite",
                                    "Bad", "Active", "Transition"};
    return (unsigned)loc < sizeof n / sizeof n[0] ? n[loc] : "?";
}

/* proto.c - the prototype-PTE store (proto.h). */
#include "proto.h"
#include "grow.h"

#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"

void proto_init(ProtoStore *s) { memset(s, 0, sizeof *s); }

void proto_fini(ProtoStore *s) {
    free(s->e);
    free(s->free);
    memset(s, 0, sizeof *s);
}

static void take(ProtoStore *s, uint32_t start, uint32_t n, uint32_t owner) {
    for (uint32_t i = start; i < start + n; i++) s->e[i] = (Proto){.owner = owner};
    s->used += n;
}

uint32_t proto_alloc(ProtoStore *s, uint32_t n, uint32_t owner) {
    MM_ASSERT(n > 0);
    for (uint32_t i = 0; i < s->nfree; i++) {
        ProtoRun *r = &s->free[i];
        if (r->len < n) continue;
        uint32_t start = r->start;
        r->start += n, r->len -= n;
        if (!r->len) {
            memmove(r, r + 1, (s->nfree - i - 1) * sizeof *r);
            s->nfree--;
        }
        take(s, start, n, owner);
        return start;
    }
    if (n > PROTO_INDEX_LIMIT - s->size) return PROTO_NONE;
    if (s->size + n > s->cap) {
        uint64_t cap = s->cap ? s->cap : 1024;
        while (cap < (uint64_t)s->size + n) cap *= 2;
        if (cap > PROTO_INDEX_LIMIT) cap = PROTO_INDEX_LIMIT;
        Proto *e = realloc(s->e, cap * sizeof *e);
        if (!e) return PROTO_NONE;
        s->e = e, s->cap = (uint32_t)cap;
    }
    uint32_t start = s->size;
    s->size += n;
    take(s, start, n, owner);
    return start;
}

bool proto_release(ProtoStore *s, uint32_t start, uint32_t n) {
    for (uint32_t i = start; i < start + n; i++) {
        MM_ASSERT(s->e[i].owner != PROTO_OWNER_FREE);
        s->e[i] = (Proto){.owner = PROTO_OWNER_FREE};
    }
    s->used -= n;
    uint32_t i = 0; /* first run after start */
    while (i < s->nfree && s->free[i].start < start) i++;
    bool join_prev = i > 0 && s->free[i - 1].start + s->free[i - 1].len == start;
    bool join_next = i < s->nfree && start + n == s->free[i].start;
    if (join_prev && join_next) {
        s->free[i - 1].len += n + s->free[i].len;
        memmove(&s->free[i], &s->free[i + 1], (s->nfree - i - 1) * sizeof *s->free);
        s->nfree--;
    } else if (join_prev) {
        s->free[i - 1].len += n;
    } else if (join_next) {
        s->free[i].start = start, s->free[i].len += n;
    } else {
        ProtoRun *grown = grow_array(s->free, s->nfree, &s->capfree, sizeof *grown, 16);
        if (!grown) return false;
        s->free = grown;
        memmove(&s->free[i + 1], &s->free[i], (s->nfree - i) * sizeof *s->free);
        s->free[i] = (ProtoRun){start, n};
        s->nfree++;
    }
    return true;
}

/* section.c - section objects, control areas, segments and mapped views (spec C.2, C.6.2,
 * C.10). A segment's prototype PTEs live in the prototype store (proto.h), one run per
 * subsection; a view VAD names its control area and first page, and the prototype PTE of a
 * page of the view is found through them (the "lookup needed" path of C.3).
 *
 * [decision] The trace gives sections no protection: they are created with the maximum
 * protection (execute/read/write), so every view protection is compatible, and their pages
 * start read/write (the protection in the prototype PTEs).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/mm_assert.h"
#include "os_internal.h"

#define SECTION_PROT MM_READWRITE

uint32_t seg_proto(const Os *os, uint32_t ca, uint32_t page) {
    const ControlArea *c = &os->cas[ca];
    for (uint32_t i = 0; i < c->nsubs; i++) {
        const Subsection *s = &os->subs[c->subs[i]];
        if (page < s->pages) return s->proto_base + page;
        page -= s->pages;
    }
    MM_ASSERT(0);
}

uint32_t view_proto(const Os *os, const Vad *v, uint32_t vpn) {
    return seg_proto(os, v->ca, v->first_page + (vpn - v->start));
}

bool proto_is_clone(const Os *os, uint32_t idx) { return os->protos.e[idx].owner == PROTO_OWNER_CLONE; }

uint8_t proto_prot(Os *os, uint32_t idx) {
    uint32_t pte = os->protos.e[idx].pte;
    if (ntpte_classify_proto(pte) == PROTO_VALID) return ntpte_prot(pfn_at(&os->db, ntpte_pfn(pte))->original);
    return ntpte_prot(pte);
}

uint32_t proto_pointer_for(Os *os, uint32_t idx, uint8_t prot) {
    if (proto_is_clone(os, idx) || prot == proto_prot(os, idx)) return ntpte_proto_pointer(idx, false);
    return ntpte_proto_lookup(prot);
}

/* The control area a resident file page belongs to, or NULL (pagefile-backed or clone). */
static ControlArea *file_ca_of(Os *os, const Pfn *e) {
    if (!e->prototype || ntpte_classify_proto(e->original) != PROTO_SUBSECTION) return NULL;
    return &os->cas[os->subs[ntpte_subsection_index(e->original)].ca];
}

void proto_page_resident(Os *os, uint32_t pfn, int delta) {
    ControlArea *c = file_ca_of(os, pfn_at(&os->db, pfn));
    if (c) c->pfn_refs = (uint32_t)((int64_t)c->pfn_refs + delta);
}

bool seg_write_file_page(Os *os, uint32_t pfn) {
    Pfn *e = pfn_at(&os->db, pfn);
    const Subsection *s = &os->subs[ntpte_subsection_index(e->original)];
    uint8_t page[4096];
    physmem_read(os->pm, (uint64_t)pfn << 12, page, sizeof page);
    if (!files_write_page(&os->files, os->cas[s->ca].file, (uint64_t)s->file_page + (e->pte - s->proto_base), page)) {
        os->fatal = "out of host memory";
        return false;
    }
    os->st.file_writes++;
    return true;
}

void proto_page_free(Os *os, uint32_t pfn) {
    Pfn *e = pfn_at(&os->db, pfn);
    MM_ASSERT(e->ref == 0 && e->loc < PFN_LISTS);
    proto_page_resident(os, pfn, -1);
    pfn_unlink(&os->db, pfn);
    mem_release_slot(os, e->original);
    e->deleted = true;
    e->ref = 1;
    mem_ref_dec(os, pfn);
}

/* ---- subsections and control areas ---- */

static uint32_t new_subsection(Os *os, uint32_t ca, uint32_t pages, uint32_t file_page) {
    uint32_t i = 0;
    while (i < os->nsubs && os->subs[i].ca != CA_NONE) i++;
    if (i == os->nsubs) {
        if (i > NTPTE_SUBSECTION_MAX) return CA_NONE;
        Subsection *grown = grow_array(os->subs, os->nsubs, &os->capsubs, sizeof *grown, 16);
        if (!grown) return CA_NONE;
        os->subs = grown;
        os->nsubs++;
    }
    ControlArea *c = &os->cas[ca];
    uint32_t *subs = grow_array(c->subs, c->nsubs, &c->capsubs, sizeof *subs, 4);
    if (!subs) return CA_NONE;
    c->subs = subs;
    uint32_t base = proto_alloc(&os->protos, pages, i);
    if (base == PROTO_NONE) return CA_NONE;
    os->subs[i] = (Subsection){.ca = ca, .proto_base = base, .pages = pages, .file_page = file_page};
    c->subs[c->nsubs++] = i;
    c->pages += pages;
    /* C.10: committed pagefile-backed pages are demand-zero, file pages point at the file. */
    for (uint32_t k = 0; k < pages; k++)
        os->protos.e[base + k].pte = c->file >= 0 ? ntpte_subsection(i, SECTION_PROT)
                                     : c->reserve ? 0 : ntpte_software(SECTION_PROT, 0, 0);
    return i;
}

static uint32_t new_ca(Os *os, int32_t file, bool reserve) {
    uint32_t i = 0;
    while (i < os->ncas && os->cas[i].in_use) i++;
    if (i == os->ncas) {
        ControlArea *grown = grow_array(os->cas, os->ncas, &os->capcas, sizeof *grown, 8);
        if (!grown) return CA_NONE;
        os->cas = grown;
        os->ncas++;
    }
    os->cas[i] = (ControlArea){.in_use = true, .file = file, .reserve = reserve};
    return i;
}

/* C.10: no handle and no view left: the segment goes. File pages still modified are written
 * back first ([decision] flush at once, then free). */
void ca_maybe_delete(Os *os, uint32_t ca) {
    ControlArea *c = &os->cas[ca];
    if (c->sections || c->views) return;
    for (uint32_t i = 0; i < c->nsubs; i++) {
        Subsection *s = &os->subs[c->subs[i]];
        for (uint32_t k = 0; k < s->pages; k++) {
            uint32_t pte = os->protos.e[s->proto_base + k].pte;
            switch (ntpte_classify_proto(pte)) {
            case PROTO_VALID: MM_ASSERT(0);
            case PROTO_TRANSITION: {
                uint32_t pfn = ntpte_pfn(pte);
                if (c->file >= 0 && pfn_at(&os->db, pfn)->modified) seg_write_file_page(os, pfn);
                proto_page_free(os, pfn);
                break;
            }
            case PROTO_PAGEFILE: mem_release_slot(os, pte); break;
            default: break;
            }
        }
        proto_release(&os->protos, s->proto_base, s->pages);
        s->ca = CA_NONE;
    }
    MM_ASSERT(c->pfn_refs == 0);
    free(c->subs);
    *c = (ControlArea){.in_use = false};
}

static SectionHandle *find_section(Os *os, uint32_t sid) {
    for (uint32_t i = 0; i < os->nsecs; i++)
        if (os->secs[i].sid == sid) return &os->secs[i];
    return NULL;
}

const char *os_section(Os *os, uint32_t sid, uint64_t size, bool reserve, const char *file) {
    if (os->fatal) return os->fatal;
    if (find_section(os, sid)) return os_fail(os, "section %u already exists", sid);
    if (size == 0) return os_fail(os, "section %u has size zero", sid);
    uint64_t pages = (size + 0xFFF) / 0x1000;
    if (pages > PROTO_INDEX_LIMIT - os->protos.used)
        return os_fail(os, "section %u is too large: the prototype PTEs of all sections must stay "
                           "below %u", sid, PROTO_INDEX_LIMIT);
    SectionHandle *grown = grow_array(os->secs, os->nsecs, &os->capsecs, sizeof *grown, 8);
    if (!grown) return os->fatal = "out of host memory";
    os->secs = grown;
    uint32_t ca = CA_NONE;
    if (file) {
        char why[512];
        int32_t f = files_open(&os->files, file, why, sizeof why);
        if (f < 0) return os_fail(os, "section %u: file:%s: %s", sid, file, why);
        for (uint32_t i = 0; i < os->ncas && ca == CA_NONE; i++)
            if (os->cas[i].in_use && os->cas[i].file == f) ca = i; /* one control area per file */
        if (ca == CA_NONE && (ca = new_ca(os, f, false)) == CA_NONE) return os->fatal = "out of host memory";
        ControlArea *c = &os->cas[ca];
        if (pages > c->pages && new_subsection(os, ca, (uint32_t)pages - c->pages, c->pages) == CA_NONE) {
            ca_maybe_delete(os, ca);
            return os->fatal = "out of host memory or subsections";
        }
    } else {
        if ((ca = new_ca(os, -1, reserve)) == CA_NONE) return os->fatal = "out of host memory";
        if (new_subsection(os, ca, (uint32_t)pages, 0) == CA_NONE) {
            ca_maybe_delete(os, ca);
            return os->fatal = "out of host memory or subsections";
        }
    }
    os->cas[ca].sections++;
    os->secs[os->nsecs++] = (SectionHandle){.sid = sid, .ca = ca, .pages = (uint32_t)pages};
    return NULL;
}

const char *os_close(Os *os, uint32_t sid) {
    if (os->fatal) return os->fatal;
    SectionHandle *h = find_section(os, sid);
    if (!h) return os_fail(os, "unknown section %u", sid);
    uint32_t ca = h->ca;
    *h = os->secs[--os->nsecs];
    os->cas[ca].sections--;
    ca_maybe_delete(os, ca);
    return os->fatal;
}

const char *os_map(Os *os, uint32_t pid, uint32_t sid, uint32_t base, uint32_t len, uint64_t offset,
                   uint8_t prot) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, pid);
    if (!p) return os_fail(os, "unknown process %u", pid);
    SectionHandle *h = find_section(os, sid);
    if (!h) return os_fail(os, "unknown section %u", sid);
    const char *e = os_check_range(os, base, len, GRANULARITY);
    if (e) return e;
    if (offset % 0x1000) return os_fail(os, "view offset %" PRIx64 " is not page-aligned", offset);
    if (offset / 0x1000 > h->pages || len / 0x1000 > h->pages - offset / 0x1000)
        return os_fail(os, "view %" PRIx64 "+%x does not fit in section %u (%x pages)", offset, len,
                       sid, h->pages);
    e = os_add_vad(os, p, (Vad){.start = base >> 12, .end = (base + len - 1) >> 12, .prot = prot,
                               .view = true, .ca = h->ca, .first_page = (uint32_t)(offset / 0x1000)});
    if (e) return e;
    os->cas[h->ca].views++;
    return NULL;
}

void os_remove_vad(Os *os, Process *p, uint32_t i) {
    Vad v = p->vads[i];
    os_release_pages(os, p, v.start, v.end);
    memmove(&p->vads[i], &p->vads[i + 1], (p->nvads - i - 1) * sizeof *p->vads);
    p->nvads--;
    if (v.view) {
        os->cas[v.ca].views--;
        ca_maybe_delete(os, v.ca);
    }
}

const char *os_unmap(Os *os, uint32_t pid, uint32_t base, bool has_len, uint32_t len) {
    if (os->fatal) return os->fatal;
    Process *p = os_find(os, pid);
    if (!p) return os_fail(os, "unknown process %u", pid);
    Vad *v = os_find_vad(p, base >> 12);
    if (!v || !v->view || v->start != base >> 12 || base % 0x1000)
        return os_fail(os, "process %u has no view at %08x", pid, base);
    if (has_len && len != (v->end - v->start + 1) << 12)
        return os_fail(os, "the view at %08x is %x bytes long, not %x", base, (v->end - v->start + 1) << 12, len);
    os_remove_vad(os, p, (uint32_t)(v - p->vads));
    return os->fatal;
}

/* MEM_COMMIT inside a view of a SEC_RESERVE section (C.6.2 U -> DZ): the section pages become
 * committed for every view; the view keeps its own protection. */
const char *os_commit_view(Os *os, const Vad *v, uint32_t base, uint32_t len) {
    for (uint32_t va = base; va - base < len; va += 0x1000) {
        Proto *pr = &os->protos.e[view_proto(os, v, va >> 12)];
        if (ntpte_classify_proto(pr->pte) == PROTO_UNCOMMITTED) pr->pte = ntpte_software(SECTION_PROT, 0, 0);
    }
    return NULL;
}

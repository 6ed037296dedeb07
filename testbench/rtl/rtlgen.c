/* rtlgen - write the RTL's generated packages (rtl/README.md section 2) for one configuration.
 *
 *   rtlgen OUTDIR [CONFIG OPTIONS]
 *
 * CONFIG OPTIONS are mmusim's (--preset NAME, --KNOB=VALUE; the same parser, options.c). Writes
 * OUTDIR/mmu_cfg_pkg.sv and OUTDIR/mmu_stats_pkg.sv, each only when its text changed (so that
 * an unchanged configuration does not re-verilate). Exit 2 with a message when the options are
 * bad or the RTL cannot model the configuration.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "rtlcfg.h"

/* Write text to path unless the file already holds exactly that. */
static bool write_if_changed(const char *path, const char *text, size_t len) {
    FILE *f = fopen(path, "rb");
    if (f) {
        char *old = malloc(len + 1);
        size_t got = old ? fread(old, 1, len + 1, f) : 0;
        bool same = old && got == len && memcmp(old, text, len) == 0;
        free(old);
        fclose(f);
        if (same) return true;
    }
    if (!(f = fopen(path, "wb"))) {
        fprintf(stderr, "rtlgen: %s: cannot open for writing: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = fwrite(text, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok) fprintf(stderr, "rtlgen: %s: write error\n", path);
    return ok;
}

/* Render one package through a memory stream, then write it. */
static bool emit(const char *dir, const char *file, const RtlGeometry *g, const char *text) {
    char path[4096], *buf = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        fprintf(stderr, "rtlgen: out of memory\n");
        return false;
    }
    if (g) rtl_write_cfg_pkg(m, g, text);
    else rtl_write_stats_pkg(m);
    fclose(m);
    bool ok = write_if_changed(path, buf, len);
    free(buf);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: rtlgen OUTDIR [--preset NAME] [--KNOB=VALUE]...\n");
        return 2;
    }
    /* options_parse wants a trace; the configuration is all rtlgen uses. */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) return 2;
    args[0] = argv[0];
    int n = 1;
    char text[2048] = "";
    size_t used = 0;
    for (int i = 2; i < argc; i++) {
        args[n++] = argv[i];
        used += (size_t)snprintf(text + used, used < sizeof text ? sizeof text - used : 0, "%s%s",
                                 i > 2 ? " " : "", argv[i]);
    }
    if (used >= sizeof text) {
        fprintf(stderr, "rtlgen: configuration too long\n");
        free(args);
        return 2;
    }
    args[n++] = (char *)"-";
    Options o;
    char err[512];
    bool parsed = options_parse(&o, n, args, err, sizeof err);
    free(args);
    if (!parsed) {
        fprintf(stderr, "rtlgen: %s\n", err);
        options_free(&o);
        return 2;
    }
    RtlGeometry g;
    const char *why = rtl_geometry(&o.cfg, &g);
    options_free(&o);
    if (why) {
        fprintf(stderr, "rtlgen: %s\n", why);
        return 2;
    }
    if (strchr(text, '"') || strchr(text, '\\')) {
        fprintf(stderr, "rtlgen: quotes and backslashes are not allowed in the options\n");
        return 2;
    }
    bool ok = emit(argv[1], "mmu_cfg_pkg.sv", &g, text[0] ? text : "(defaults)") &&
              emit(argv[1], "mmu_stats_pkg.sv", NULL, NULL);
    return ok ? 0 : 2;
}

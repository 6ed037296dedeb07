// wave.cpp - FST to VCD for --wave FILE.vcd (wave.h).
#include "wave.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

std::string wave_fst_path(const WaveWindow &w) { return w.vcd ? w.file + ".tmp.fst" : w.file; }

bool wave_finish(const WaveWindow &w, std::string *err) {
    if (!w.vcd) return true;
    std::string fst = wave_fst_path(w);
    const char *argv[] = {"fst2vcd", "-f", fst.c_str(), "-o", w.file.c_str(), nullptr};
    int rc = 0, status = 0;
    fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], const_cast<char **>(argv));
        _exit(127); // not found: reported below
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0) rc = errno;
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) rc = ENOENT;
    std::remove(fst.c_str());
    if (rc != 0) {
        *err = w.file + ": cannot run fst2vcd (GTKWave's converter): " + strerror(rc);
        return false;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *err = w.file + ": fst2vcd failed converting the waveform";
        return false;
    }
    return true;
}

/* mmusim.c - the replay tool: main() is one replay (replay.c) with nothing plugged in.
 *
 * Exit status (traces/README.md): 0 success; 1 at least one failed expectation; 2 bad input,
 * usage error or environment error (missing file, out of memory, a write that failed). Every
 * message goes to stderr and names the option, or the file and line. Output streams are
 * checked at the end (ferror/fclose), so a full disk is an error, not a short report.
 */
#include "replay.h"

int main(int argc, char **argv) { return replay_main(argc, argv, NULL); }

/* version.h - the mmusim version, from the project version in CMakeLists.txt. Every result
 * (run header, JSON, CSV) carries it so that outputs can be compared. */
#ifndef MMUSIM_VERSION_H
#define MMUSIM_VERSION_H

const char *mmusim_version(void);

#endif

/* shmcow.c - the 32-bit sample program of traces/samples: a parent and a forked child share
 * memory through a MAP_SHARED mapping, and a MAP_PRIVATE mapping is shared copy-on-write.
 *
 *   gcc -m32 -O1 -o shmcow shmcow.c
 *
 * The parent fills a 256 KiB shared anonymous mapping and a 256 KiB private anonymous one,
 * then forks. The child reads every page of both, writes every other page of each, and exits.
 * The parent then sees the child's writes in the shared mapping (the same pages) but not in
 * the private one (the child's writes went to copies), and prints what it found.
 *
 * Both mappings start on a 64 KiB boundary (the memory manager's allocation granularity,
 * docs/os-model.md): mmap only promises page alignment, so the program maps 64 KiB more than
 * it needs and unmaps the ends. lackey2mm then shows the shared mapping as a view of one
 * pagefile-backed section in both processes.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (256 * 1024)
#define GRAN (64 * 1024)
#define PAGE 4096

static unsigned char *map_aligned(int flags) {
    unsigned char *p = mmap(NULL, SIZE + GRAN, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    unsigned char *a = (unsigned char *)(((uintptr_t)p + GRAN - 1) & ~(uintptr_t)(GRAN - 1));
    if (a > p) munmap(p, (size_t)(a - p));
    if (a + SIZE < p + SIZE + GRAN) munmap(a + SIZE, (size_t)(p + SIZE + GRAN - (a + SIZE)));
    return a;
}

int main(void) {
    unsigned char *shared = map_aligned(MAP_SHARED), *priv = map_aligned(MAP_PRIVATE);
    if (!shared || !priv) {
        perror("mmap");
        return 1;
    }
    for (int i = 0; i < SIZE; i += PAGE) shared[i] = priv[i] = 1;

    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        unsigned sum = 0;
        for (int i = 0; i < SIZE; i += PAGE) sum += shared[i] + priv[i];
        for (int i = 0; i < SIZE; i += 2 * PAGE) shared[i] = priv[i] = 2;
        _exit(sum == 2 * SIZE / PAGE ? 0 : 1);
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "shmcow: the child failed\n");
        return 1;
    }
    unsigned seen_shared = 0, seen_priv = 0;
    for (int i = 0; i < SIZE; i += PAGE) seen_shared += shared[i] == 2, seen_priv += priv[i] == 2;
    printf("shared: %u of %u pages written by the child; private: %u\n", seen_shared, SIZE / PAGE, seen_priv);
    return seen_shared == SIZE / PAGE / 2 && seen_priv == 0 ? 0 : 1;
}

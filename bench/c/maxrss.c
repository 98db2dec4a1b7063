/* maxrss.c — runs a command and prints its peak resident set size and times:
 *   maxrss CMD [ARG…]  →  "maxrss_kb N wall_s W cpu_s C exit E" on stderr
 *
 * Linux carries a process's peak RSS across exec, so a child started straight from a large
 * interpreter (with vfork, or fork) reports the interpreter's peak as its own. This small
 * launcher forks from a small process, so what wait4 reports is the command's. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* wait4 is BSD/GNU; declared here so the file builds under -D_POSIX_C_SOURCE. */
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: maxrss CMD [ARG...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return 2;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(stderr, "maxrss_kb %ld wall_s %.6f cpu_s %.6f exit %d\n", ru.ru_maxrss, wall, cpu,
            code);
    return code;
}

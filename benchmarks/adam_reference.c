/* The exact compiled loop the basin benchmark compares against: Adam (torch's order of operations, float64,
 * no fast-math) on Himmelblau from every point of an n x n grid over [-5, 5]^2, one core.
 * benchmarks/basins.py compiles it with `cc -O2` when a compiler is present and prints the ratio.
 *
 *     cc -O2 -o /tmp/adam_reference benchmarks/adam_reference.c -lm && /tmp/adam_reference 200 300
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200, steps = argc > 2 ? atol(argv[2]) : 300, count = n * n;
    double *x = malloc(count * sizeof *x), *y = malloc(count * sizeof *y);
    double *mx = calloc(count, sizeof *mx), *my = calloc(count, sizeof *my);
    double *vx = calloc(count, sizeof *vx), *vy = calloc(count, sizeof *vy);
    if (!x || !y || !mx || !my || !vx || !vy) return 1;
    for (long j = 0; j < n; j++)
        for (long i = 0; i < n; i++) {
            x[j * n + i] = -5.0 + 10.0 * i / (n - 1);
            y[j * n + i] = -5.0 + 10.0 * j / (n - 1);
        }
    const double beta1 = 0.9, beta2 = 0.999, lr = 0.05, eps = 1e-8;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long step = 1; step <= steps; step++) {
        double step_size = lr / (1 - pow(beta1, step)), bias_correction2_sqrt = sqrt(1 - pow(beta2, step));
        for (long k = 0; k < count; k++) {
            double a = x[k] * x[k] + y[k] - 11.0, b = x[k] + y[k] * y[k] - 7.0;
            double gx = 4.0 * a * x[k] + 2.0 * b, gy = 2.0 * a + 4.0 * b * y[k];
            mx[k] += (1 - beta1) * (gx - mx[k]);
            my[k] += (1 - beta1) * (gy - my[k]);
            vx[k] = vx[k] * beta2 + (1 - beta2) * gx * gx;
            vy[k] = vy[k] * beta2 + (1 - beta2) * gy * gy;
            x[k] += (-step_size) * mx[k] / (sqrt(vx[k]) / bias_correction2_sqrt + eps);
            y[k] += (-step_size) * my[k] / (sqrt(vy[k]) / bias_correction2_sqrt + eps);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    double check = 0;
    for (long k = 0; k < count; k++) check += x[k] + y[k];
    printf("%.6f %.17g\n", seconds, check); /* seconds, and a checksum so the loop cannot be optimised away */
    return 0;
}

// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * nbody.c - Numerical integration of ordinary differential equations.
 *
 *  1. The classic Jovian-planets n-body problem (symplectic Euler, as in the
 *     Computer Language Benchmarks Game) with its published energy values.
 *  2. A softened-gravity cluster of 48 particles integrated with velocity
 *     Verlet (leapfrog); linear momentum must be conserved and energy drift
 *     must stay small.
 *  3. Classic fourth-order Runge-Kutta on a harmonic oscillator (checked
 *     against the analytic solution) and on the Lorenz system.
 * Results are fingerprinted after rounding and also printed exactly (%a, and
 * checksums of the bits of whole states).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WANT_PLANETS UINT64_C(0x980f5103748408de)
#define WANT_CLUSTER UINT64_C(0xff2e9b5ddb91385b)
#define WANT_ODE UINT64_C(0xeb179bf6cd7f52a0)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

static void expect_small(const char *what, double err, double tol)
{
    if (!(err <= tol)) {
        printf("FAIL %s: error %.3e exceeds %.1e\n", what, err, tol);
        failures++;
    }
}

static uint64_t mix_double(uint64_t h, double x, double scale)
{
    long long q = llround(x * scale);
    return (h ^ (uint64_t)q) * UINT64_C(0x100000001b3);
}

/* exact output: a checksum of the bytes of an array */
static unsigned long long bits_of(const void *p, size_t bytes)
{
    const unsigned char *c = p;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;
    for (i = 0; i < bytes; i++)
        h = (h ^ c[i]) * UINT64_C(0x100000001b3);
    return (unsigned long long)h;
}

/* ---------------- 1. planets ---------------- */
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24

typedef struct {
    double x, y, z, vx, vy, vz, mass;
} Body;

static void planets_init(Body *b)
{
    static const Body init[5] = {
        {0, 0, 0, 0, 0, 0, SOLAR_MASS},
        {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
         1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
         -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
        {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
         -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
         2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
        {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
         2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
         -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
        {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
         2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
         -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
    };
    double px = 0, py = 0, pz = 0;
    int i;
    memcpy(b, init, sizeof init);
    for (i = 0; i < 5; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    b[0].vx = -px / SOLAR_MASS;
    b[0].vy = -py / SOLAR_MASS;
    b[0].vz = -pz / SOLAR_MASS;
}

static void planets_advance(Body *b, int n, double dt)
{
    int i, j;
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            b[i].vx -= dx * b[j].mass * mag;
            b[i].vy -= dy * b[j].mass * mag;
            b[i].vz -= dz * b[j].mass * mag;
            b[j].vx += dx * b[i].mass * mag;
            b[j].vy += dy * b[i].mass * mag;
            b[j].vz += dz * b[i].mass * mag;
        }
    for (i = 0; i < n; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

static double planets_energy(const Body *b, int n)
{
    double e = 0;
    int i, j;
    for (i = 0; i < n; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

/* ---------------- 2. softened cluster, velocity Verlet ---------------- */
#define NP 48
#define EPS2 0.01

typedef struct {
    double pos[NP][2], vel[NP][2], acc[NP][2], mass[NP];
} Cluster;

static void cluster_accel(Cluster *c)
{
    int i, j;
    memset(c->acc, 0, sizeof c->acc);
    for (i = 0; i < NP; i++)
        for (j = i + 1; j < NP; j++) {
            double dx = c->pos[j][0] - c->pos[i][0], dy = c->pos[j][1] - c->pos[i][1];
            double r2 = dx * dx + dy * dy + EPS2, inv = 1.0 / (r2 * sqrt(r2));
            c->acc[i][0] += c->mass[j] * dx * inv;
            c->acc[i][1] += c->mass[j] * dy * inv;
            c->acc[j][0] -= c->mass[i] * dx * inv;
            c->acc[j][1] -= c->mass[i] * dy * inv;
        }
}

static double cluster_energy(const Cluster *c)
{
    double e = 0;
    int i, j;
    for (i = 0; i < NP; i++) {
        e += 0.5 * c->mass[i] * (c->vel[i][0] * c->vel[i][0] + c->vel[i][1] * c->vel[i][1]);
        for (j = i + 1; j < NP; j++) {
            double dx = c->pos[j][0] - c->pos[i][0], dy = c->pos[j][1] - c->pos[i][1];
            e -= c->mass[i] * c->mass[j] / sqrt(dx * dx + dy * dy + EPS2);
        }
    }
    return e;
}

static void cluster_momentum(const Cluster *c, double *px, double *py)
{
    int i;
    *px = *py = 0;
    for (i = 0; i < NP; i++) {
        *px += c->mass[i] * c->vel[i][0];
        *py += c->mass[i] * c->vel[i][1];
    }
}

static void cluster_step(Cluster *c, double dt)
{
    int i, d;
    for (i = 0; i < NP; i++)
        for (d = 0; d < 2; d++) {
            c->vel[i][d] += 0.5 * dt * c->acc[i][d];
            c->pos[i][d] += dt * c->vel[i][d];
        }
    cluster_accel(c);
    for (i = 0; i < NP; i++)
        for (d = 0; d < 2; d++)
            c->vel[i][d] += 0.5 * dt * c->acc[i][d];
}

/* ---------------- 3. RK4 ---------------- */
typedef void (*Deriv)(double t, const double *y, double *dy, const void *params);

static void rk4_step(Deriv f, double t, double *y, int n, double h, const void *params)
{
    double k1[8], k2[8], k3[8], k4[8], tmp[8];
    int i;
    f(t, y, k1, params);
    for (i = 0; i < n; i++)
        tmp[i] = y[i] + 0.5 * h * k1[i];
    f(t + 0.5 * h, tmp, k2, params);
    for (i = 0; i < n; i++)
        tmp[i] = y[i] + 0.5 * h * k2[i];
    f(t + 0.5 * h, tmp, k3, params);
    for (i = 0; i < n; i++)
        tmp[i] = y[i] + h * k3[i];
    f(t + h, tmp, k4, params);
    for (i = 0; i < n; i++)
        y[i] += h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

static void harmonic(double t, const double *y, double *dy, const void *params)
{
    double w = *(const double *)params;
    (void)t;
    dy[0] = y[1];
    dy[1] = -w * w * y[0];
}

typedef struct {
    double sigma, rho, beta;
} LorenzParams;

static void lorenz(double t, const double *y, double *dy, const void *params)
{
    const LorenzParams *p = params;
    (void)t;
    dy[0] = p->sigma * (y[1] - y[0]);
    dy[1] = y[0] * (p->rho - y[2]) - y[1];
    dy[2] = y[0] * y[1] - p->beta * y[2];
}

int main(void)
{
    static Body planets[5];
    static Cluster cl;
    uint64_t planet_mix = 0, cluster_mix = 0, ode_mix = 0;
    double e0, e1, px0, py0, px1, py1;
    uint32_t seed = 9u;
    int i, step;

    /* 1 */
    planets_init(planets);
    e0 = planets_energy(planets, 5);
    for (step = 0; step < 1000; step++)
        planets_advance(planets, 5, 0.01);
    e1 = planets_energy(planets, 5);
    printf("planets: energy %.9f -> %.9f\n", e0, e1);
    expect_small("planets initial energy", fabs(e0 - -0.169075164), 5e-10);
    expect_small("planets energy after 1000 steps", fabs(e1 - -0.169087605), 5e-10);
    for (step = 0; step < 4000; step++)
        planets_advance(planets, 5, 0.01);
    for (i = 0; i < 5; i++)
        planet_mix = mix_double(mix_double(planet_mix, planets[i].x, 1e6), planets[i].vy, 1e6);
    planet_mix = mix_double(planet_mix, planets_energy(planets, 5), 1e9);
    printf("exact: planets energy %a -> %a -> %a, state %016llx\n", e0, e1, planets_energy(planets, 5),
           bits_of(planets, sizeof planets));

    /* 2 */
    for (i = 0; i < NP; i++) {
        double ang, rad;
        seed = seed * 1103515245u + 12345u;
        ang = (seed >> 8) % 6283 / 1000.0;
        seed = seed * 1103515245u + 12345u;
        rad = 0.2 + (seed >> 8) % 1000 / 1000.0;
        cl.pos[i][0] = rad * cos(ang);
        cl.pos[i][1] = rad * sin(ang);
        cl.vel[i][0] = -0.4 * sin(ang) * rad;
        cl.vel[i][1] = 0.4 * cos(ang) * rad;
        cl.mass[i] = 1.0 / NP * (1 + i % 3);
    }
    cluster_accel(&cl);
    e0 = cluster_energy(&cl);
    cluster_momentum(&cl, &px0, &py0);
    for (step = 0; step < 400; step++)
        cluster_step(&cl, 0.002);
    e1 = cluster_energy(&cl);
    cluster_momentum(&cl, &px1, &py1);
    printf("cluster: energy %.6f -> %.6f, momentum %s\n", e0, e1,
           fabs(px1 - px0) + fabs(py1 - py0) < 1e-12 ? "conserved" : "DRIFTED");
    expect_small("cluster momentum", fabs(px1 - px0) + fabs(py1 - py0), 1e-12);
    expect_small("cluster energy drift", fabs((e1 - e0) / e0), 1e-3);
    for (i = 0; i < NP; i += 5)
        cluster_mix = mix_double(mix_double(cluster_mix, cl.pos[i][0], 1e5), cl.pos[i][1], 1e5);
    cluster_mix = mix_double(cluster_mix, e1, 1e6);
    printf("exact: cluster energy %a -> %a, momentum %a %a, state %016llx\n", e0, e1, px1, py1,
           bits_of(&cl, sizeof cl));

    /* 3 */
    {
        double w = 2.5, y[2] = {1.0, 0.0}, t = 0, h = 0.01, err = 0;
        LorenzParams lp = {10.0, 28.0, 8.0 / 3.0};
        double z[3] = {1.0, 1.0, 1.0}, zmax = 0;
        for (step = 0; step < 2000; step++) {
            rk4_step(harmonic, t, y, 2, h, &w);
            t += h;
            err = fmax(err, fabs(y[0] - cos(w * t)));
        }
        printf("harmonic: y(%.0f) = %.8f, max error %s\n", t, y[0], err < 1e-6 ? "< 1e-6" : "LARGE");
        expect_small("rk4 harmonic", err, 1e-6);
        ode_mix = mix_double(ode_mix, y[0], 1e8);
        for (step = 0; step < 1500; step++) {
            rk4_step(lorenz, step * 0.005, z, 3, 0.005, &lp);
            zmax = fmax(zmax, z[2]);
        }
        printf("lorenz: (%.3f, %.3f, %.3f), max z %.3f\n", z[0], z[1], z[2], zmax);
        if (zmax < 30 || zmax > 50) {
            printf("FAIL lorenz attractor bounds\n");
            failures++;
        }
        ode_mix = mix_double(mix_double(ode_mix, z[0], 1e3), zmax, 1e3);
        printf("exact: harmonic %a %a, error %a; lorenz %a %a %a, max z %a\n", y[0], y[1], err, z[0], z[1],
               z[2], zmax);
    }

    check("PLANETS", planet_mix, WANT_PLANETS);
    check("CLUSTER", cluster_mix, WANT_CLUSTER);
    check("ODE", ode_mix, WANT_ODE);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}

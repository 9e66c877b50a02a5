// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * floydwarshall.c - PolyBench-style all-pairs shortest paths by
 * Floyd-Warshall on a 320-node weighted directed graph (integer weights,
 * some pairs unconnected).
 *
 * Self-check: Dijkstra from several sources gives the same distances;
 * the result satisfies the triangle inequality on sampled triples and is
 * never longer than a direct edge; the checksum of all distances matches
 * WANT_SUM exactly (integer arithmetic).
 */
#include <stdint.h>
#include <stdio.h>

#define N 320
#define INF 1000000000
#define WANT_SUM UINT64_C(0xbbdcb4c3a606c93e)

static int W[N][N], P[N][N];
static int failures;

static void kernel_floyd_warshall(void)
{
    int i, j, k;
    for (k = 0; k < N; k++)
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++)
                P[i][j] = P[i][j] < P[i][k] + P[k][j] ? P[i][j] : P[i][k] + P[k][j];
}

static void dijkstra(int src, int *dist)
{
    static char done[N];
    int i, it;
    for (i = 0; i < N; i++) {
        dist[i] = INF;
        done[i] = 0;
    }
    dist[src] = 0;
    for (it = 0; it < N; it++) {
        int u = -1;
        for (i = 0; i < N; i++)
            if (!done[i] && (u < 0 || dist[i] < dist[u]))
                u = i;
        if (u < 0 || dist[u] >= INF)
            break;
        done[u] = 1;
        for (i = 0; i < N; i++)
            if (W[u][i] < INF && dist[u] + W[u][i] < dist[i])
                dist[i] = dist[u] + W[u][i];
    }
}

int main(void)
{
    static int dist[N];
    uint32_t s = 2463534242u;
    uint64_t sum = 0;
    int i, j, k, t;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            W[i][j] = i == j ? 0 : (s % 7 == 0 || (i + j) % 3 == 0) ? (int)(s % 1000) + 1 : INF;
            /* INF / 2 keeps P[i][k] + P[k][j] from overflowing */
            P[i][j] = W[i][j] >= INF ? INF / 2 : W[i][j];
        }
    kernel_floyd_warshall();
    for (t = 0; t < 6; t++) {
        int src = (t * 53 + 7) % N;
        dijkstra(src, dist);
        for (j = 0; j < N; j++) {
            int want = dist[j] >= INF ? INF / 2 : dist[j];
            if (P[src][j] != want) {
                printf("FAIL dijkstra from %d to %d: %d, want %d\n", src, j, P[src][j], want);
                return 1;
            }
        }
    }
    for (t = 0; t < 20000; t++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        i = s % N;
        j = (s >> 9) % N;
        k = (s >> 18) % N;
        if (P[i][j] > P[i][k] + P[k][j] || (W[i][j] < INF && P[i][j] > W[i][j])) {
            printf("FAIL triangle %d %d %d\n", i, j, k);
            return 1;
        }
    }
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++)
            sum = sum * 31 + (uint64_t)P[i][j];
    printf("floyd-warshall %d nodes: checksum %016llx P[3][9] %d\n", N, (unsigned long long)sum, P[3][9]);
    if (sum != WANT_SUM) {
        printf("FAIL checksum, want %016llx\n", (unsigned long long)WANT_SUM);
        failures++;
    }
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}

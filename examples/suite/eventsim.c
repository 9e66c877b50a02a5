// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*
 * eventsim.c - Discrete-event simulation of a multi-server service centre
 * with prioritised customers, driven by a pluggable priority queue.
 *
 * Three event-queue implementations share one interface (function
 * pointers): a binary heap, a 4-ary heap and a pairing heap.  Events are
 * ordered by (time, sequence number), so every implementation must produce
 * exactly the same event trace.  Customers wait in per-priority FIFO queues;
 * servers take breaks.  Statistics and the trace hash are checked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXEV 4096
#define NSERVERS 4
#define NPRIO 3
#define QCAP 2048
#define CUSTOMERS 6000

#define WANT_TRACE UINT64_C(0xbf2ff7c87e307d56)
#define WANT_STATS UINT64_C(0xa112ddb79cbf89ce)

static int failures;

static void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf("FAIL %s (got 0x%016llx)\n", what, (unsigned long long)got);
        failures++;
    }
}

typedef enum { EV_ARRIVAL, EV_DEPARTURE, EV_BREAK_START, EV_BREAK_END, EV_REPORT } EvType;

typedef struct {
    uint64_t time;
    uint32_t seq;
    EvType type;
    int server;
    int customer;
} Event;

static int ev_before(const Event *a, const Event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    return a->seq < b->seq;
}

typedef struct {
    const char *name;
    void (*init)(void);
    void (*push)(const Event *e);
    int (*pop)(Event *out);
    int (*size)(void);
} EventQueue;

/* ---------------- d-ary heap (d = 2 or 4) ---------------- */
static Event heap[MAXEV];
static int heap_n, heap_d;

static void dheap_push(const Event *e)
{
    int i = heap_n++;
    while (i > 0) {
        int p = (i - 1) / heap_d;
        if (!ev_before(e, &heap[p]))
            break;
        heap[i] = heap[p];
        i = p;
    }
    heap[i] = *e;
}

static int dheap_pop(Event *out)
{
    Event last;
    int i = 0;
    if (heap_n == 0)
        return 0;
    *out = heap[0];
    last = heap[--heap_n];
    for (;;) {
        int first = i * heap_d + 1, best = -1, c;
        for (c = first; c < first + heap_d && c < heap_n; c++)
            if (best < 0 || ev_before(&heap[c], &heap[best]))
                best = c;
        if (best < 0 || !ev_before(&heap[best], &last))
            break;
        heap[i] = heap[best];
        i = best;
    }
    if (heap_n > 0)
        heap[i] = last;
    return 1;
}

static int dheap_size(void) { return heap_n; }
static void bheap_init(void) { heap_n = 0; heap_d = 2; }
static void qheap_init(void) { heap_n = 0; heap_d = 4; }

/* ---------------- pairing heap ---------------- */
typedef struct PNode {
    Event ev;
    int child, sibling; /* indices, -1 = none */
} PNode;

static PNode pnodes[MAXEV];
static int pfree[MAXEV], pfree_n, proot, pcount;

static void pair_init(void)
{
    int i;
    for (i = 0; i < MAXEV; i++)
        pfree[i] = MAXEV - 1 - i;
    pfree_n = MAXEV;
    proot = -1;
    pcount = 0;
}

static int meld(int a, int b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    if (ev_before(&pnodes[b].ev, &pnodes[a].ev)) {
        int t = a;
        a = b;
        b = t;
    }
    pnodes[b].sibling = pnodes[a].child;
    pnodes[a].child = b;
    return a;
}

static void pair_push(const Event *e)
{
    int n = pfree[--pfree_n];
    pnodes[n].ev = *e;
    pnodes[n].child = pnodes[n].sibling = -1;
    proot = meld(proot, n);
    pcount++;
}

/* standard two-pass merge of the root's children */
static int merge_pairs(int first)
{
    static int stack[MAXEV];
    int sp = 0, result = -1;
    while (first >= 0) {
        int a = first, b = pnodes[a].sibling, next = -1;
        pnodes[a].sibling = -1;
        if (b >= 0) {
            next = pnodes[b].sibling;
            pnodes[b].sibling = -1;
        }
        stack[sp++] = meld(a, b);
        first = next;
    }
    while (sp > 0)
        result = meld(stack[--sp], result);
    return result;
}

static int pair_pop(Event *out)
{
    int old = proot;
    if (old < 0)
        return 0;
    *out = pnodes[old].ev;
    proot = merge_pairs(pnodes[old].child);
    pfree[pfree_n++] = old;
    pcount--;
    return 1;
}

static int pair_size(void) { return pcount; }

/* ---------------- the simulation ---------------- */
typedef struct {
    int queue[NPRIO][QCAP];
    int qhead[NPRIO], qtail[NPRIO];
    int busy[NSERVERS];          /* customer id or -1 */
    int on_break[NSERVERS];
    int prio[CUSTOMERS];
    uint64_t arrive[CUSTOMERS];
    uint64_t wait_total[NPRIO];
    int served[NPRIO];
    int max_queue;
    uint64_t busy_time[NSERVERS], busy_since[NSERVERS];
    uint64_t trace;
    uint32_t rng, seq;
    const EventQueue *eq;
} Sim;

static uint32_t sim_rand(Sim *s, uint32_t n)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 17;
    s->rng ^= s->rng << 5;
    return s->rng % n;
}

static void schedule(Sim *s, uint64_t time, EvType type, int server, int customer)
{
    Event e;
    e.time = time;
    e.seq = s->seq++;
    e.type = type;
    e.server = server;
    e.customer = customer;
    s->eq->push(&e);
}

static int queued(const Sim *s)
{
    int p, total = 0;
    for (p = 0; p < NPRIO; p++)
        total += s->qtail[p] - s->qhead[p];
    return total;
}

/* start service on server k if it is idle and someone waits */
static void try_start(Sim *s, int k, uint64_t now)
{
    int p;
    if (s->busy[k] >= 0 || s->on_break[k])
        return;
    for (p = 0; p < NPRIO; p++) {
        if (s->qhead[p] < s->qtail[p]) {
            int c = s->queue[p][s->qhead[p]++ % QCAP];
            uint32_t service = 20 + sim_rand(s, 60) + (uint32_t)p * 15;
            s->busy[k] = c;
            s->busy_since[k] = now;
            s->wait_total[p] += now - s->arrive[c];
            schedule(s, now + service, EV_DEPARTURE, k, c);
            return;
        }
    }
}

static void run_sim(Sim *s, const EventQueue *eq)
{
    Event e;
    int next_customer = 0, k;
    memset(s, 0, sizeof *s);
    s->rng = 2463534242u;
    s->eq = eq;
    eq->init();
    for (k = 0; k < NSERVERS; k++) {
        s->busy[k] = -1;
        schedule(s, 500 + (uint64_t)k * 777, EV_BREAK_START, k, -1);
    }
    schedule(s, 0, EV_ARRIVAL, -1, next_customer++);
    schedule(s, 10000, EV_REPORT, -1, -1);
    while (eq->pop(&e)) {
        s->trace = (s->trace ^ (e.time * 8 + (uint64_t)e.type)) * UINT64_C(0x100000001b3);
        switch (e.type) {
        case EV_ARRIVAL: {
            int c = e.customer, p = (int)sim_rand(s, 10);
            p = p < 2 ? 0 : p < 5 ? 1 : 2;
            s->prio[c] = p;
            s->arrive[c] = e.time;
            s->queue[p][s->qtail[p]++ % QCAP] = c;
            if (queued(s) > s->max_queue)
                s->max_queue = queued(s);
            for (k = 0; k < NSERVERS; k++)
                try_start(s, k, e.time);
            if (next_customer < CUSTOMERS)
                schedule(s, e.time + 1 + sim_rand(s, 36), EV_ARRIVAL, -1, next_customer++);
            break;
        }
        case EV_DEPARTURE:
            s->served[s->prio[e.customer]]++;
            s->busy_time[e.server] += e.time - s->busy_since[e.server];
            s->busy[e.server] = -1;
            try_start(s, e.server, e.time);
            break;
        case EV_BREAK_START:
            s->on_break[e.server] = 1; /* finishes current customer first */
            schedule(s, e.time + 300, EV_BREAK_END, e.server, -1);
            break;
        case EV_BREAK_END:
            s->on_break[e.server] = 0;
            if (next_customer < CUSTOMERS)
                schedule(s, e.time + 4000 + sim_rand(s, 2000), EV_BREAK_START, e.server, -1);
            try_start(s, e.server, e.time);
            break;
        case EV_REPORT:
            if (e.time % 50000 == 0)
                printf("  t=%6llu queued=%3d events pending=%d\n", (unsigned long long)e.time, queued(s),
                       eq->size());
            if (next_customer < CUSTOMERS || queued(s) > 0)
                schedule(s, e.time + 10000, EV_REPORT, -1, -1);
            break;
        }
    }
}

int main(void)
{
    static const EventQueue queues[] = {
        {"binary-heap", bheap_init, dheap_push, dheap_pop, dheap_size},
        {"4-ary-heap", qheap_init, dheap_push, dheap_pop, dheap_size},
        {"pairing-heap", pair_init, pair_push, pair_pop, pair_size},
    };
    static Sim sim;
    uint64_t traces[3], stats = 0;
    int qi, p, k;

    for (qi = 0; qi < 3; qi++) {
        int total = 0;
        printf("%s:\n", queues[qi].name);
        run_sim(&sim, &queues[qi]);
        traces[qi] = sim.trace;
        for (p = 0; p < NPRIO; p++) {
            total += sim.served[p];
            if (qi == 0)
                printf("  priority %d: served %4d, mean wait %llu\n", p, sim.served[p],
                       (unsigned long long)(sim.served[p] ? sim.wait_total[p] / (uint64_t)sim.served[p] : 0));
        }
        if (total != CUSTOMERS) {
            printf("FAIL %s served %d customers\n", queues[qi].name, total);
            failures++;
        }
        if (qi == 0) {
            for (k = 0; k < NSERVERS; k++)
                stats = stats * 1000003u + sim.busy_time[k];
            for (p = 0; p < NPRIO; p++)
                stats = stats * 31 + sim.wait_total[p];
            stats ^= (uint64_t)sim.max_queue << 48;
            printf("  max queue %d, trace %016llx\n", sim.max_queue, (unsigned long long)sim.trace);
        }
        if (traces[qi] != traces[0]) {
            printf("FAIL %s trace differs from binary heap\n", queues[qi].name);
            failures++;
        }
    }
    if (sim.wait_total[0] / (uint64_t)sim.served[0] > sim.wait_total[2] / (uint64_t)sim.served[2]) {
        printf("FAIL priority 0 should wait less than priority 2\n");
        failures++;
    }

    check("TRACE", traces[0], WANT_TRACE);
    check("STATS", stats, WANT_STATS);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* The bare JetStream baseline of tests/bench/nats_load.py: what the log
 * alone does on this machine, with no omniq in the path. One connection
 * publishes records of --bytes bytes to a fresh stream (Replicas as given),
 * each with ExpectLastSeq and a Nats-Msg-Id as omniq-server does, for
 * --seconds:
 *   sync   one publish at a time, waiting for its acknowledgement — the
 *          ceiling of one omniq client with one request in flight;
 *   async  --window publishes in flight, acknowledged asynchronously — the
 *          ceiling of many clients whose records go out without waiting.
 * Prints one JSON object per mode: acked records per second and CPU
 * seconds of this process. Exit 1 on bad arguments or a failed publish.
 *
 *   js_baseline --url nats://127.0.0.1:4222[,...] [--replicas 3]
 *               [--seconds 3] [--bytes 120] [--window 64] */
#define _POSIX_C_SOURCE 200809L
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static int fail(const char *what, natsStatus s, jsErrCode jerr)
{
    fprintf(stderr, "js_baseline: %s: %s (JetStream error %d)\n", what, natsStatus_GetText(s), (int)jerr);
    return 1;
}

static int make_stream(jsCtx *js, const char *name, const char *subject, int replicas)
{
    jsErrCode jerr = 0;
    js_DeleteStream(js, name, NULL, &jerr); /* a leftover of an earlier run */
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = name;
    const char *subjects[1] = {subject};
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = js_FileStorage;
    sc.Replicas = replicas;
    jsStreamInfo *si = NULL;
    natsStatus s = js_AddStream(&si, js, &sc, NULL, &jerr);
    jsStreamInfo_Destroy(si);
    return s == NATS_OK ? 0 : fail("creating the stream", s, jerr);
}

static void pub_opts(jsPubOptions *po, uint64_t last, char *id, size_t idlen)
{
    jsPubOptions_Init(po);
    po->ExpectLastSeq = last;
    snprintf(id, idlen, "b-%llu", (unsigned long long)(last + 1));
    po->MsgId = id;
}

int main(int argc, char **argv)
{
    const char *url = NULL;
    int replicas = 3, bytes = 120, window = 64;
    double seconds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--url"))
            url = argv[i + 1];
        else if (!strcmp(argv[i], "--replicas"))
            replicas = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--bytes"))
            bytes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--window"))
            window = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "js_baseline: unknown option %s\n", argv[i]);
            return 1;
        }
    }
    if (!url || replicas < 1 || replicas > 5 || bytes < 1 || bytes > 65536 || window < 1 || !(seconds > 0)) {
        fprintf(stderr, "usage: js_baseline --url URLS [--replicas 1..5] [--seconds S] [--bytes N] [--window N]\n");
        return 1;
    }
    natsOptions *no = NULL;
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsOptions_Create(&no);
    char *list = strdup(url), *servers[16], *save = NULL;
    int n_servers = 0;
    for (char *t = strtok_r(list, ",", &save); t && n_servers < 16; t = strtok_r(NULL, ",", &save))
        servers[n_servers++] = t;
    natsOptions_SetServers(no, (const char **)servers, n_servers);
    free(list); /* the options keep their own copies */
    natsStatus s = natsConnection_Connect(&nc, no);
    if (s != NATS_OK)
        return fail("connecting", s, 0);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = window;
    if ((s = natsConnection_JetStream(&js, nc, &jo)) != NATS_OK)
        return fail("JetStream context", s, 0);
    char *data = calloc(1, (size_t)bytes);
    int rc = 0;
    static const char *const modes[] = {"sync", "async"};
    for (int m = 0; m < 2 && !rc; m++) {
        char name[64], subject[64], id[64];
        snprintf(name, sizeof name, "omniq_baseline_%s_%ld", modes[m], (long)getpid());
        snprintf(subject, sizeof subject, "omniq.baseline.%s.%ld", modes[m], (long)getpid());
        if ((rc = make_stream(js, name, subject, replicas)) != 0)
            break;
        uint64_t n = 0;
        double c0 = cpu_s(), t0 = now_s(), stop = t0 + seconds;
        jsErrCode jerr = 0;
        jsPubOptions po;
        while (now_s() < stop) {
            if (m == 0) {
                jsPubAck *pa = NULL;
                pub_opts(&po, n, id, sizeof id);
                s = js_Publish(&pa, js, subject, data, bytes, &po, &jerr);
                jsPubAck_Destroy(pa);
            } else {
                /* a window of publishes, then wait for all their acks: the
                 * server's group commit (compare-and-append on each) */
                for (int k = 0; k < window && s == NATS_OK; k++) {
                    pub_opts(&po, n + (uint64_t)k, id, sizeof id);
                    s = js_PublishAsync(js, subject, data, bytes, &po);
                }
                if (s == NATS_OK) {
                    jsPubOptions_Init(&po);
                    po.MaxWait = 10000;
                    s = js_PublishAsyncComplete(js, &po);
                }
                if (s == NATS_OK)
                    n += (uint64_t)window - 1;
            }
            if (s != NATS_OK) {
                rc = fail("publishing", s, jerr);
                break;
            }
            n++;
        }
        double el = now_s() - t0, cpu = cpu_s() - c0;
        jsStreamInfo *si = NULL;
        if (!rc && (s = js_GetStreamInfo(&si, js, name, NULL, &jerr)) != NATS_OK)
            rc = fail("reading the stream", s, jerr);
        if (!rc && si->State.Msgs != n) { /* every acknowledged record is in the stream, once */
            fprintf(stderr, "js_baseline: %s: %llu records acknowledged, %llu stored\n", modes[m],
                    (unsigned long long)n, (unsigned long long)si->State.Msgs);
            rc = 1;
        }
        jsStreamInfo_Destroy(si);
        if (!rc)
            printf("{\"bench\":\"js_baseline\",\"mode\":\"%s\",\"replicas\":%d,\"bytes\":%d,\"window\":%d,"
                   "\"records\":%llu,\"elapsed_s\":%.3f,\"records_per_s\":%.1f,\"client_cpu_s\":%.3f}\n",
                   modes[m], replicas, bytes, m ? window : 1, (unsigned long long)n, el, (double)n / el, cpu);
        js_DeleteStream(js, name, NULL, &jerr);
    }
    free(data);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    natsOptions_Destroy(no);
    nats_Close();
    return rc;
}

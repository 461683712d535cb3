/* SPDX-License-Identifier: MIT */
/* OQ_STRATEGY_HOST_SCORE (the host's scorer picks among a bounded number of
 * candidates) and the OQ_STEP_PRIORITY_AT_LEAST escalation action: the
 * choice, the bound, ties, refusals, the errors, re-entry, journal replay,
 * snapshots and the configuration round trip of every strategy and step
 * action. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define N_MAX 64

/* The host's data: a score per agent ("a<k>" -> score[k]), the calls made. */
typedef struct scores {
    double score[N_MAX + 1];
    int calls;
    char scored[N_MAX][16]; /* agents scored, in call order */
    oq_engine *e;           /* set: the scorer tries to call back in */
    oq_status reentry[3];
} scores;

static double score_fn(const char *contact, const char *agent, const char *queue, void *user)
{
    scores *s = user;
    assert_non_null(contact);
    assert_string_equal(queue, "q");
    if (s->calls < N_MAX)
        snprintf(s->scored[s->calls], sizeof s->scored[0], "%s", agent);
    s->calls++;
    if (s->e) { /* re-entry: every mutating call is refused, reads work */
        s->reentry[0] = oq_agent_not_ready(s->e, 0, agent, "x");
        s->reentry[1] = oq_engine_set_scorer(s->e, NULL, NULL, 0);
        oq_contact_info ci = {.struct_size = sizeof ci};
        s->reentry[2] = oq_contact_get(s->e, contact, &ci);
    }
    return s->score[atoi(agent + 1)];
}

static oq_engine *scored_engine(scores *s, int32_t max_candidates, recorder *r)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.score = score_fn;
    o.score_user = s;
    o.score_max_candidates = max_candidates;
    if (r) {
        recorder_clear(r);
        o.on_event = recorder_fn;
        o.event_user = r;
    }
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    return e;
}

/* n agents a1..an, a<k> logged in at time k (so a1 has been idle longest). */
static oq_engine *center(scores *s, int32_t max_candidates, int n)
{
    oq_engine *e = scored_engine(s, max_candidates, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_HOST_SCORE, "voice");
    for (int k = 1; k <= n; k++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", k);
        add_agent(e, id, 100);
        assert_oq_ok(e, oq_agent_login(e, k, id, 1));
    }
    return e;
}

/* The expected winner, computed apart from the engine: the highest score
 * >= 0 among agents first..last (the candidates, in longest-idle order),
 * the earlier on a tie; 0 if all refuse. */
static int expected_winner(const scores *s, int first, int last)
{
    int best = 0;
    for (int k = first; k <= last; k++)
        if (s->score[k] >= 0 && (best == 0 || s->score[k] > s->score[best]))
            best = k;
    return best;
}

static void picks_the_best_score(void **state)
{
    (void)state;
    scores s = {0};
    double table[] = {0, 3.5, 9.25, 1, 7, 0.5, 9.0};
    memcpy(s.score, table, sizeof table);
    oq_engine *e = center(&s, 0, 6);
    assert_int_equal(s.calls, 0); /* logins route nothing: nobody waits */
    assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
    char want[16], buf[64];
    snprintf(want, sizeof want, "a%d", expected_winner(&s, 1, 6));
    assert_string_equal(want, "a2");
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), want);
    assert_int_equal(s.calls, 6); /* every qualified available agent, once */
    /* a2 is busy now: the next contact goes to the best of the others. */
    s.calls = 0;
    s.score[2] = -1;
    assert_oq_ok(e, arrive(e, 101, "c2", "voice", "q", 0));
    snprintf(want, sizeof want, "a%d", expected_winner(&s, 1, 6));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), want);
    assert_int_equal(s.calls, 5);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void scores_at_most_max_candidates_in_longest_idle_order(void **state)
{
    (void)state;
    scores s = {0};
    for (int k = 1; k <= 40; k++)
        s.score[k] = (double)((k * 7) % 11); /* a scattered order */
    s.score[40] = 100;                         /* the best, but idle the shortest */
    oq_engine *e = center(&s, 5, 40);
    assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
    assert_int_equal(s.calls, 5);
    for (int i = 0; i < 5; i++) { /* a1..a5, idle since 1..5, scored in that order */
        char id[16];
        snprintf(id, sizeof id, "a%d", i + 1);
        assert_string_equal(s.scored[i], id);
    }
    char want[16], buf[64];
    snprintf(want, sizeof want, "a%d", expected_winner(&s, 1, 5));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), want);
    /* The bound is the engine's: raised, a40 is reached. */
    assert_oq_ok(e, oq_engine_set_scorer(e, score_fn, &s, 40));
    s.calls = 0;
    assert_oq_ok(e, arrive(e, 101, "c2", "voice", "q", 0));
    assert_int_equal(s.calls, 39);
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a40");
    assert_int_equal(oq_engine_set_scorer(e, score_fn, &s, OQ_SCORE_CANDIDATES_MAX + 1), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "max_candidates"));
    assert_int_equal(oq_engine_set_scorer(e, score_fn, &s, -1), OQ_EINVAL);
    oq_engine_destroy(e);
}

static void ties_go_to_the_earlier_candidate(void **state)
{
    (void)state;
    scores s = {0};
    double table[] = {0, 1, 5, 5, 5};
    memcpy(s.score, table, sizeof table);
    oq_engine *e = center(&s, 0, 4);
    char buf[64];
    assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a2"); /* idle since 2 < 3 < 4 */
    assert_oq_ok(e, arrive(e, 101, "c2", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a3");
    oq_engine_destroy(e);
}

static void refused_agents_are_not_offered(void **state)
{
    (void)state;
    scores s = {0};
    double table[] = {0, NAN, -1, -0.5, 0, 2};
    memcpy(s.score, table, sizeof table);
    oq_engine *e = center(&s, 0, 3);
    char buf[64];
    assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED); /* a1..a3 all refuse */
    assert_int_equal(s.calls, 3);
    /* An agent who frees up (here: logs in) is scored against the waiting contact. */
    add_agent(e, "a4", 100);
    assert_oq_ok(e, oq_agent_login(e, 200, "a4", 1));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a4"); /* 0 is a score */
    assert_oq_ok(e, arrive(e, 201, "c2", "voice", "q", 0));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    add_agent(e, "a5", 100);
    assert_oq_ok(e, oq_agent_login(e, 202, "a5", 1));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a5");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* An inbound contact the scorer refused to every agent waits beside them,
 * and keeps them from outbound work while it waits (blending: inbound
 * first). When it goes, they are free for the outbound contact at once
 * (found by the API fuzzer: the outbound contact waited beside an idle
 * agent, and oq_engine_check said so). */
static void a_refused_contact_leaving_frees_agents_for_outbound_work(void **state)
{
    (void)state;
    for (int how = 0; how < 2; how++) {
        scores s = {0};
        s.score[1] = -1; /* a1 refuses every contact of q */
        oq_engine *e = center(&s, 0, 1);
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        qs.id = "out";
        qs.outbound = 1;
        assert_oq_ok(e, oq_queue_add(e, &qs));
        assert_oq_ok(e, oq_queue_add_channel(e, 1, "out", "voice"));
        char buf[64];
        assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
        assert_oq_ok(e, arrive(e, 101, "o1", "voice", "out", 0));
        assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
        assert_int_equal(contact_state(e, "o1"), OQ_CONTACT_QUEUED); /* c1 comes first for a1 */
        assert_oq_ok(e, oq_engine_check(e));
        if (how == 0)
            assert_oq_ok(e, oq_contact_abandon(e, 200, "c1"));
        else
            assert_oq_ok(e, oq_contact_remove(e, 200, "c1"));
        assert_string_equal(contact_agent(e, "o1", buf, sizeof buf), "a1");
        assert_oq_ok(e, oq_engine_check(e));
        oq_engine_destroy(e);
    }
}

static void no_scorer_is_a_clear_error(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "sales";
    q.strategy = OQ_STRATEGY_HOST_SCORE;
    assert_int_equal(oq_queue_add(e, &q), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "queue 'sales'"));
    assert_non_null(strstr(oq_engine_last_error(e), "oq_engine_set_scorer"));
    /* Registered later: the queue is accepted; the scorer cannot then go. */
    scores s = {0};
    assert_oq_ok(e, oq_engine_set_scorer(e, score_fn, &s, 0));
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_int_equal(oq_engine_set_scorer(e, NULL, NULL, 0), OQ_ESTATE);
    assert_non_null(strstr(oq_engine_last_error(e), "queue 'sales'"));
    q.strategy = OQ_STRATEGY_LONGEST_IDLE;
    assert_oq_ok(e, oq_queue_update(e, 0, &q));
    assert_oq_ok(e, oq_engine_set_scorer(e, NULL, NULL, 0));
    assert_int_equal(oq_engine_set_scorer(NULL, NULL, NULL, 0), OQ_EINVAL);
    oq_engine_destroy(e);

    /* A configuration file naming host_score loads only with a scorer. */
    const char *yaml = "channels:\n  voice: {exclusive: true}\n"
                       "queues:\n  sales:\n    channels: [voice]\n    strategy: host_score\n";
    oq_error err = OQ_ERROR_INIT;
    oq_engine *f = NULL;
    assert_int_equal(oq_config_load_buffer(NULL, yaml, strlen(yaml), "c.yaml", &f, &err), OQ_ECONFIG);
    assert_null(f);
    assert_non_null(strstr(err.message, "c.yaml:4:"));
    assert_non_null(strstr(err.message, "host_score"));
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.score = score_fn;
    o.score_user = &s;
    assert_oq_ok_err(&err, oq_config_load_buffer(&o, yaml, strlen(yaml), "c.yaml", &f, &err));
    oq_engine_destroy(f);
    o.score_max_candidates = OQ_SCORE_CANDIDATES_MAX + 1;
    assert_int_equal(oq_engine_create(&o, &f), OQ_EINVAL);
}

static void the_scorer_cannot_call_back_in(void **state)
{
    (void)state;
    scores s = {0};
    double table[] = {0, 1, 2};
    memcpy(s.score, table, sizeof table);
    oq_engine *e = center(&s, 0, 2);
    s.e = e;
    assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
    assert_int_equal(s.reentry[0], OQ_EBUSY);
    assert_int_equal(s.reentry[1], OQ_EBUSY);
    assert_int_equal(s.reentry[2], OQ_OK); /* reads are allowed */
    char buf[64];
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a2"); /* the decision stands */
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_READY);           /* nothing changed */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* ---- journal and snapshot ---- */

typedef struct jlog {
    int n;
    uint8_t *data[512];
    size_t len[512];
} jlog;

static void jlog_fn(const oq_journal_record *rec, void *user)
{
    jlog *l = user;
    assert_true(l->n < 512);
    assert_non_null(rec->data);
    l->data[l->n] = malloc(rec->len);
    memcpy(l->data[l->n], rec->data, rec->len);
    l->len[l->n++] = rec->len;
}

static void *snap(oq_engine *e, size_t *len)
{
    void *p = NULL;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &p, len));
    return p;
}

static void assert_same_engine(oq_engine *a, oq_engine *b)
{
    size_t na, nb;
    void *sa = snap(a, &na), *sb = snap(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(sa, sb, na);
    oq_free(sa);
    oq_free(sb);
}

/* A day of work on a host_score queue with a priority_at_least step. */
static void workload(oq_engine *e, int64_t t0)
{
    oq_escalation_step st;
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_PRIORITY_AT_LEAST;
    st.after_s = 5;
    st.priority = 4;
    assert_oq_ok(e, oq_queue_add_step(e, t0, "q", &st));
    for (int i = 0; i < 30; i++) {
        char id[16], who[64];
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, t0 + 1000 * i, id, "voice", "q", i % 3));
        if (contact_state(e, id) == OQ_CONTACT_OFFERED) {
            contact_agent(e, id, who, sizeof who);
            assert_oq_ok(e, oq_offer_accept(e, t0 + 1000 * i + 1, id, who));
        }
        if (i >= 4) { /* contacts finish in arrival order, freeing agents */
            char done[16];
            snprintf(done, sizeof done, "c%d", i - 4);
            if (contact_state(e, done) == OQ_CONTACT_ACTIVE)
                assert_oq_ok(e, oq_contact_complete(e, t0 + 1000 * i + 500, done));
            else if (contact_state(e, done) == OQ_CONTACT_OFFERED) {
                contact_agent(e, done, who, sizeof who);
                assert_oq_ok(e, oq_offer_accept(e, t0 + 1000 * i + 500, done, who));
            }
        }
    }
    assert_oq_ok(e, oq_engine_advance(e, t0 + 60000));
}

static void journal_replay_reproduces_routing(void **state)
{
    (void)state;
    scores s = {0};
    for (int k = 1; k <= 6; k++)
        s.score[k] = (double)((k * 5) % 7) - 1; /* one refuses (-1) */
    oq_engine *a = center(&s, 3, 6);
    void *base = NULL;
    size_t base_len = 0;
    assert_oq_ok(a, oq_engine_snapshot_buffer(a, &base, &base_len));
    jlog l = {0};
    assert_oq_ok(a, oq_engine_set_journal(a, jlog_fn, &l));
    int calls_before = s.calls;
    workload(a, 100);
    int primary_calls = s.calls - calls_before;
    assert_true(primary_calls > 0);

    /* The standby: restored without a scorer, it refuses calls, naming the queue. */
    oq_engine *b = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_engine_restore_buffer(NULL, base, base_len, &b, &err));
    assert_int_equal(oq_journal_apply(b, l.data[0], l.len[0], &err), OQ_ESTATE);
    assert_int_equal(err.status, OQ_ESTATE);
    assert_non_null(strstr(err.message, "queue 'q'"));
    assert_non_null(strstr(err.message, "oq_engine_set_scorer"));
    /* With the same scorer and bound, the records replay to the same engine. */
    assert_oq_ok(b, oq_engine_set_scorer(b, score_fn, &s, 3));
    s.calls = 0;
    for (int i = 0; i < l.n; i++)
        assert_oq_ok_err(&err, oq_journal_apply(b, l.data[i], l.len[i], &err));
    assert_int_equal(s.calls, primary_calls); /* the same decisions asked the same questions */
    assert_same_engine(a, b);
    assert_oq_ok(b, oq_engine_check(b));

    /* A snapshot taken mid-way restores with the scorer in its options. */
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.score = score_fn;
    o.score_user = &s;
    o.score_max_candidates = 3;
    size_t n;
    void *p = snap(a, &n);
    oq_engine *c = NULL;
    assert_oq_ok_err(&err, oq_engine_restore_buffer(&o, p, n, &c, &err));
    assert_same_engine(a, c);
    assert_oq_ok(a, oq_engine_set_journal(a, NULL, NULL)); /* both unjournaled from here */
    assert_oq_ok(c, arrive(c, 100000, "late", "voice", "q", 0));
    assert_oq_ok(a, arrive(a, 100000, "late", "voice", "q", 0));
    assert_same_engine(a, c);
    oq_free(p);
    oq_free(base);
    for (int i = 0; i < l.n; i++)
        free(l.data[i]);
    oq_engine_destroy(a);
    oq_engine_destroy(b);
    oq_engine_destroy(c);
}

/* ---- the new escalation action ---- */

static void priority_at_least_is_a_floor(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    scores s = {0};
    oq_engine *e = scored_engine(&s, 0, r);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_escalation_step st;
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_PRIORITY_AT_LEAST;
    st.after_s = 10;
    st.priority = 5;
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &st));
    assert_oq_ok(e, arrive(e, 1000, "low", "voice", "q", 2));
    assert_oq_ok(e, arrive(e, 1000, "vip", "voice", "q", 8));
    assert_oq_ok(e, arrive(e, 3000, "new", "voice", "q", 4));
    assert_oq_ok(e, oq_engine_advance(e, 10999));
    assert_int_equal(recorder_count(r, OQ_EV_ESCALATED, NULL), 0);
    size_t n;
    void *before = snap(e, &n); /* the step still to fire */
    assert_oq_ok(e, oq_engine_advance(e, 11000));
    oq_contact_info ci = {.struct_size = sizeof ci};
    assert_oq_ok(e, oq_contact_get(e, "low", &ci));
    assert_int_equal(ci.priority, 5); /* raised to the floor */
    assert_oq_ok(e, oq_contact_get(e, "vip", &ci));
    assert_int_equal(ci.priority, 8); /* kept: already above */
    assert_oq_ok(e, oq_contact_get(e, "new", &ci));
    assert_int_equal(ci.priority, 4); /* its step is not due yet */
    int i = recorder_find(r, 0, OQ_EV_ESCALATED, "low", NULL);
    assert_true(i >= 0);
    assert_string_equal(r->ev[i].detail, "priority raised from 2 to 5");
    i = recorder_find(r, 0, OQ_EV_ESCALATED, "vip", NULL);
    assert_true(i >= 0);
    assert_string_equal(r->ev[i].detail, "priority 8 kept (at least 5)");
    /* The raised contact now goes before "new" (priority 4) under OQ_ORDER_PRIORITY;
     * the VIP first. */
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 11001, "a1", 1));
    assert_int_equal(contact_state(e, "vip"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_offer_reject(e, 11002, "vip", "a1"));
    /* A restored snapshot fires the same step the same way. */
    oq_engine *b = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_engine_restore_buffer(NULL, before, n, &b, &err));
    assert_oq_ok(b, oq_engine_advance(b, 11000));
    assert_oq_ok(b, oq_contact_get(b, "low", &ci));
    assert_int_equal(ci.priority, 5);
    assert_oq_ok(b, oq_contact_get(b, "vip", &ci));
    assert_int_equal(ci.priority, 8);
    /* Refused with the field named when out of range. */
    st.priority = OQ_PRIORITY_MAX + 1;
    assert_int_equal(oq_queue_add_step(b, 11000, "q", &st), OQ_ESTATE); /* holds contacts */
    oq_free(before);
    oq_engine_destroy(b);
    oq_engine_destroy(e);
    e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_int_equal(oq_queue_add_step(e, 0, "q", &st), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "step[0].priority"));
    assert_string_equal(oq_step_action_name(OQ_STEP_PRIORITY_AT_LEAST), "priority_at_least");
    assert_string_equal(oq_step_action_name(0), "unknown");
    assert_string_equal(oq_step_action_name(OQ_STEP_PRIORITY_AT_LEAST + 1), "unknown");
    oq_engine_destroy(e);
    free(r);
}

/* ---- every strategy and every step action through dump and load ---- */

static char *dump(oq_engine *e)
{
    char *y = NULL;
    assert_oq_ok(e, oq_config_dump(e, &y, NULL));
    return y;
}

static oq_engine *load(const char *yaml, scores *s)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.score = score_fn;
    o.score_user = s;
    oq_error err = OQ_ERROR_INIT;
    oq_engine *e = NULL;
    oq_status st = oq_config_load_buffer(&o, yaml, strlen(yaml), "dump", &e, &err);
    if (st != OQ_OK)
        fprintf(stderr, "---\n%s\n", yaml);
    assert_oq_ok_err(&err, st);
    return e;
}

static void every_strategy_and_action_round_trips(void **state)
{
    (void)state;
    scores s = {0};
    int strategies = 0;
    for (int32_t v = 0; strcmp(oq_strategy_name(v), "unknown") != 0; v++, strategies++) {
        oq_engine *e = scored_engine(&s, 0, NULL);
        add_channel(e, "voice", 1, 100, 1);
        add_queue(e, "q", OQ_ORDER_FIFO, v, "voice");
        char *y = dump(e);
        assert_non_null(strstr(y, oq_strategy_name(v)));
        oq_engine *f = load(y, &s);
        oq_queue_spec q;
        oq_queue_spec_init(&q);
        assert_oq_ok(f, oq_queue_get_spec(f, "q", &q));
        assert_int_equal(q.strategy, v);
        char *y2 = dump(f);
        assert_string_equal(y, y2);
        oq_free(y);
        oq_free(y2);
        oq_engine_destroy(e);
        oq_engine_destroy(f);
    }
    assert_int_equal(strategies, OQ_STRATEGY_HOST_SCORE + 1); /* the last constant has its name */

    int actions = 0;
    for (int32_t a = OQ_STEP_LOWER_LEVEL; strcmp(oq_step_action_name(a), "unknown") != 0; a++, actions++) {
        oq_engine *e = new_engine(NULL, NULL);
        add_channel(e, "voice", 1, 100, 1);
        assert_oq_ok(e, oq_skill_add(e, "fr", 10));
        assert_oq_ok(e, oq_group_add(e, "g1"));
        assert_oq_ok(e, oq_group_add(e, "g2"));
        add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
        add_queue(e, "other", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
        assert_oq_ok(e, oq_queue_require_skill(e, 0, "q", "fr", 5));
        assert_oq_ok(e, oq_queue_add_group(e, 0, "q", "g1"));
        oq_escalation_step st;
        oq_escalation_step_init(&st);
        st.action = a;
        st.after_s = 7.5;
        st.skill = "fr";
        st.level = 2;
        st.group = "g2";
        st.priority = 3;
        st.queue = "other";
        st.message = "look";
        assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &st));
        char *y = dump(e);
        char want[64];
        snprintf(want, sizeof want, "action: %s", oq_step_action_name(a));
        assert_non_null(strstr(y, want));
        oq_engine *f = load(y, &s);
        char *y2 = dump(f);
        assert_string_equal(y, y2);
        oq_free(y);
        oq_free(y2);
        oq_engine_destroy(e);
        oq_engine_destroy(f);
    }
    assert_int_equal(actions, OQ_STEP_PRIORITY_AT_LEAST); /* 1..last, each named */
}

/* A freed agent is routed before it is put back into its lanes' heaps
 * (docs/design.md): when the contact it picks goes to the best score among
 * its candidates, the freed agent must be one of them. a2 refused c2 (so it
 * waits beside a2); then a2 would take it, but a1, freed by completing c1,
 * scores higher: c2 goes to a1. */
static void a_freed_agent_is_a_candidate_for_the_contact_it_picks(void **state)
{
    (void)state;
    scores s = {0};
    s.score[1] = 5;
    s.score[2] = -1;
    oq_engine *e = center(&s, 0, 2);
    char buf[64];
    assert_oq_ok(e, arrive(e, 100, "c1", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_accept(e, 101, "c1", "a1"));
    assert_oq_ok(e, arrive(e, 102, "c2", "voice", "q", 0));
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED); /* a2 refused it */
    s.score[2] = 1;
    s.calls = 0;
    assert_oq_ok(e, oq_contact_complete(e, 103, "c1"));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1");
    int a2_scored = 0;
    for (int i = 0; i < s.calls && i < N_MAX; i++)
        a2_scored += strcmp(s.scored[i], "a2") == 0;
    assert_int_equal(a2_scored, 1); /* a2 was a candidate too, and lost on its score */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(picks_the_best_score),
        cmocka_unit_test(scores_at_most_max_candidates_in_longest_idle_order),
        cmocka_unit_test(ties_go_to_the_earlier_candidate),
        cmocka_unit_test(refused_agents_are_not_offered),
        cmocka_unit_test(a_refused_contact_leaving_frees_agents_for_outbound_work),
        cmocka_unit_test(no_scorer_is_a_clear_error),
        cmocka_unit_test(the_scorer_cannot_call_back_in),
        cmocka_unit_test(journal_replay_reproduces_routing),
        cmocka_unit_test(priority_at_least_is_a_floor),
        cmocka_unit_test(every_strategy_and_action_round_trips),
        cmocka_unit_test(a_freed_agent_is_a_candidate_for_the_contact_it_picks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

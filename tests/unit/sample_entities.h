/* sample_entities.h — builders of fully populated fixture entities for the tests. */
#ifndef SAMPLE_ENTITIES_H
#define SAMPLE_ENTITIES_H

#include "fixture_entities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *sample_strdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    return strcpy(d, s);
}

/* A Todo using every field kind; n varies the values. The caller clears it. */
static inline void sample_todo(Todo *t, int n)
{
    char buf[64];
    memset(t, 0, sizeof *t);
    snprintf(buf, sizeof buf, "Task %d \"quoted\" <b>", n);
    t->title = sample_strdup(buf);
    t->done = n % 2;
    t->priority = n % 3;
    t->score = n + 0.5;
    t->tags_count = 2;
    t->tags = calloc(2, sizeof *t->tags);
    t->tags[0] = sample_strdup("home");
    t->tags[1] = sample_strdup("ünïcødé");
    t->owner.name = sample_strdup("Ada");
    t->owner.age = 36;
    t->owner.admin = true;
    t->notes_count = 2;
    t->notes = calloc(2, sizeof *t->notes);
    t->notes[0].label = sample_strdup("first");
    t->notes[0].weight = 0.25;
    t->notes[1].label = NULL;
    t->notes[1].weight = -2;
    t->ratings_count = 3;
    t->ratings = calloc(3, sizeof *t->ratings);
    t->ratings[0] = 1;
    t->ratings[1] = 2.5;
    t->ratings[2] = 1e21;
    t->counts_count = 2;
    t->counts = calloc(2, sizeof *t->counts);
    t->counts[0] = INT64_MIN;
    t->counts[1] = INT64_MAX;
    t->flags_count = 2;
    t->flags = calloc(2, sizeof *t->flags);
    t->flags[0] = true;
    t->flags[1] = false;
}

/* The JSON of sample_todo(t, 1) with id 0. */
#define SAMPLE_TODO_1_JSON                                                                         \
    "{\"id\":0,\"title\":\"Task 1 \\\"quoted\\\" <b>\",\"done\":true,\"priority\":1,"              \
    "\"score\":1.5,\"tags\":[\"home\",\"ünïcødé\"],"                                           \
    "\"owner\":{\"name\":\"Ada\",\"age\":36,\"admin\":true},"                                      \
    "\"notes\":[{\"label\":\"first\",\"weight\":0.25},{\"label\":\"\",\"weight\":-2}],"            \
    "\"ratings\":[1,2.5,1e+21],\"counts\":[-9223372036854775808,9223372036854775807],"             \
    "\"flags\":[true,false]}"

#endif

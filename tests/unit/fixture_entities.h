/* fixture_entities.h — this is what starch generates (in x.starch.h) for:
 *
 *   {% entity User %}  name: string  age: int  admin: bool  {% end %}
 *   {% entity Tag %}   label: string  weight: float  {% end %}
 *   {% entity Todo %}
 *     id: int  title: string  done: bool  priority: int  score: float
 *     tags: string[]  owner: User  notes: Tag[]  ratings: float[]  counts: int[]  flags: bool[]
 *   {% end %}
 *   {% entity Note %}  id: string  text: string  pinned: bool  {% end %}
 *
 * written by hand here for the runtime tests; fixture_entities.c holds the descriptors. */
#ifndef FIXTURE_ENTITIES_H
#define FIXTURE_ENTITIES_H

#include <starch_gen.h>
#include <starch_json.h>
#include <starch_pg.h>
#include <starch_sqlite.h>

typedef struct User User;
struct User {
    char *name;
    int64_t age;
    bool admin;
};
extern const starch_entity_type User_type;
void User_clear(User *t);

typedef struct Tag Tag;
struct Tag {
    char *label;
    double weight;
};
extern const starch_entity_type Tag_type;
void Tag_clear(Tag *t);

typedef struct Todo Todo;
struct Todo {
    int64_t id;
    char *title;
    bool done;
    int64_t priority;
    double score;
    char **tags;
    size_t tags_count;
    User owner;
    Tag *notes;
    size_t notes_count;
    double *ratings;
    size_t ratings_count;
    int64_t *counts;
    size_t counts_count;
    bool *flags;
    size_t flags_count;
};
extern const starch_entity_type Todo_type;
void Todo_clear(Todo *t);

typedef struct Note Note;
struct Note {
    char *id;
    char *text;
    bool pinned;
};
extern const starch_entity_type Note_type;
void Note_clear(Note *t);

#endif

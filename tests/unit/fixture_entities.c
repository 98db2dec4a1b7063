/* fixture_entities.c — this is what starch generates (in x.starch.c) for the entities of
 * fixture_entities.h: one descriptor per entity as a constant initializer, and the clear
 * function as a call into the runtime. */
#include "fixture_entities.h"

#include <stddef.h>

static const starch_field User_fields[] = {
    {.name = "name", .kind = STARCH_KIND_STRING, .offset = offsetof(User, name)},
    {.name = "age", .kind = STARCH_KIND_INT, .offset = offsetof(User, age)},
    {.name = "admin", .kind = STARCH_KIND_BOOL, .offset = offsetof(User, admin)},
};
const starch_entity_type User_type = {
    .name = "User",
    .size = sizeof(User),
    .fields = User_fields,
    .field_count = 3,
    .key = -1,
};
void User_clear(User *t)
{
    starch_entity_clear(&User_type, t);
}

static const starch_field Tag_fields[] = {
    {.name = "label", .kind = STARCH_KIND_STRING, .offset = offsetof(Tag, label)},
    {.name = "weight", .kind = STARCH_KIND_FLOAT, .offset = offsetof(Tag, weight)},
};
const starch_entity_type Tag_type = {
    .name = "Tag",
    .size = sizeof(Tag),
    .fields = Tag_fields,
    .field_count = 2,
    .key = -1,
};
void Tag_clear(Tag *t)
{
    starch_entity_clear(&Tag_type, t);
}

static const starch_field Todo_fields[] = {
    {.name = "id", .kind = STARCH_KIND_INT, .offset = offsetof(Todo, id)},
    {.name = "title", .kind = STARCH_KIND_STRING, .offset = offsetof(Todo, title)},
    {.name = "done", .kind = STARCH_KIND_BOOL, .offset = offsetof(Todo, done)},
    {.name = "priority", .kind = STARCH_KIND_INT, .offset = offsetof(Todo, priority)},
    {.name = "score", .kind = STARCH_KIND_FLOAT, .offset = offsetof(Todo, score)},
    {.name = "tags",
     .kind = STARCH_KIND_STRING,
     .array = true,
     .offset = offsetof(Todo, tags),
     .count_offset = offsetof(Todo, tags_count)},
    {.name = "owner",
     .kind = STARCH_KIND_ENTITY,
     .offset = offsetof(Todo, owner),
     .entity = &User_type},
    {.name = "notes",
     .kind = STARCH_KIND_ENTITY,
     .array = true,
     .offset = offsetof(Todo, notes),
     .count_offset = offsetof(Todo, notes_count),
     .entity = &Tag_type},
    {.name = "ratings",
     .kind = STARCH_KIND_FLOAT,
     .array = true,
     .offset = offsetof(Todo, ratings),
     .count_offset = offsetof(Todo, ratings_count)},
    {.name = "counts",
     .kind = STARCH_KIND_INT,
     .array = true,
     .offset = offsetof(Todo, counts),
     .count_offset = offsetof(Todo, counts_count)},
    {.name = "flags",
     .kind = STARCH_KIND_BOOL,
     .array = true,
     .offset = offsetof(Todo, flags),
     .count_offset = offsetof(Todo, flags_count)},
};
const starch_entity_type Todo_type = {
    .name = "Todo",
    .size = sizeof(Todo),
    .fields = Todo_fields,
    .field_count = 11,
    .key = 0,
};
void Todo_clear(Todo *t)
{
    starch_entity_clear(&Todo_type, t);
}

static const starch_field Note_fields[] = {
    {.name = "id", .kind = STARCH_KIND_STRING, .offset = offsetof(Note, id)},
    {.name = "text", .kind = STARCH_KIND_STRING, .offset = offsetof(Note, text)},
    {.name = "pinned", .kind = STARCH_KIND_BOOL, .offset = offsetof(Note, pinned)},
};
const starch_entity_type Note_type = {
    .name = "Note",
    .size = sizeof(Note),
    .fields = Note_fields,
    .field_count = 3,
    .key = 0,
};
void Note_clear(Note *t)
{
    starch_entity_clear(&Note_type, t);
}

/* repo.c — starch_repo, the front of every repository backend: argument checks, string
 * ids (UUID v4), temporaries that keep the caller's entity untouched on failure, result
 * lists, and the created/updated/deleted events emitted after each successful write. */
#include "repo_impl.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/random.h>
#endif

int starch__repo_check_type(const starch_entity_type *type, starch_error *err)
{
    if (type == NULL)
        return starch__error_set(err, STARCH_EINVAL, "repository: no entity type");
    if (type->key < 0 || (size_t)type->key >= type->field_count)
        return starch__error_set(err, STARCH_EINVAL, "%s: no key field `id`", type->name);
    const starch_field *k = entity_key(type);
    if (k->array || (k->kind != STARCH_KIND_INT && k->kind != STARCH_KIND_STRING))
        return starch__error_set(err, STARCH_EINVAL, "%s: the key `%s` must be an int or a string",
                                 type->name, k->name);
    return STARCH_OK;
}

repo_key starch__repo_key_of(const starch_entity_type *type, const void *value)
{
    const starch_field *k = entity_key(type);
    repo_key key = {0, ""};
    if (k->kind == STARCH_KIND_INT)
        key.i = *(const int64_t *)entity_at(value, k);
    else
        key.s = entity_str(value, k);
    return key;
}

const starch_entity_type *starch_repo_type(const starch_repo *repo)
{
    return repo->type;
}

void starch_repo_free(starch_repo *repo)
{
    if (repo)
        repo->ops->destroy(repo);
}

/* Fills buf with random bytes: getrandom where there is one, else /dev/urandom. */
static bool random_bytes(unsigned char *buf, size_t n)
{
#ifdef __linux__
    if (getrandom(buf, n, 0) == (ssize_t)n)
        return true;
#endif
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t got = read(fd, buf, n);
    close(fd);
    return got == (ssize_t)n;
}

/* A new random (version 4) UUID in lower-case hex, malloc'd; NULL on failure. */
static char *uuid_v4(void)
{
    unsigned char b[16];
    if (!random_bytes(b, sizeof b))
        return NULL;
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    char *s = malloc(37);
    if (s == NULL)
        return NULL;
    static const char hex[] = "0123456789abcdef";
    char *p = s;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
    return s;
}

/* Emits `Type.what` with the entity as payload, if the repository has a bus; id is the
 * database event id (0: none). */
static void emit(starch_repo *repo, const char *what, const void *value, int64_t id)
{
    if (repo->bus == NULL)
        return;
    char name[256];
    snprintf(name, sizeof name, "%s.%s", repo->type->name, what);
    starch_event ev = {.name = name, .type = repo->type, .data = value, .id = id};
    starch_bus_emit(repo->bus, &ev);
}

int starch__repo_not_found(const starch_repo *repo, const repo_key *key, starch_error *err)
{
    if (entity_key(repo->type)->kind == STARCH_KIND_INT)
        return starch__error_set(err, STARCH_ENOTFOUND, "%s: no id %lld", repo->type->name,
                                 (long long)key->i);
    return starch__error_set(err, STARCH_ENOTFOUND, "%s: no id \"%s\"", repo->type->name, key->s);
}

/* Saves with a new UUID in the empty string key of *value; restores it on failure. */
static int save_new_uuid(starch_repo *repo, void *value, bool *created, int64_t *event_id,
                         starch_error *err)
{
    const starch_field *k = entity_key(repo->type);
    char *old, *id = uuid_v4();
    if (id == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: cannot make a UUID", repo->type->name);
    memcpy(&old, entity_at(value, k), sizeof old);
    memcpy(entity_at(value, k), &id, sizeof id);
    int rc = repo->ops->save(repo, value, created, event_id, err);
    if (rc != STARCH_OK) {
        memcpy(entity_at(value, k), &old, sizeof old);
        free(id);
    } else {
        free(old);
    }
    return rc;
}

int starch_repo_save(starch_repo *repo, void *value, starch_error *err)
{
    if (value == NULL)
        return starch__error_set(err, STARCH_EINVAL, "%s: save of NULL", repo->type->name);
    const starch_field *k = entity_key(repo->type);
    bool created = false;
    int64_t event_id = 0;
    int rc;
    if (k->kind == STARCH_KIND_STRING && entity_str(value, k)[0] == '\0')
        rc = save_new_uuid(repo, value, &created, &event_id, err);
    else
        rc = repo->ops->save(repo, value, &created, &event_id, err);
    if (rc == STARCH_OK)
        emit(repo, created ? "created" : "updated", value, event_id);
    return rc;
}

/* Checks that the repository's key has kind. */
static int check_key(starch_repo *repo, starch_kind kind, starch_error *err)
{
    if (entity_key(repo->type)->kind != kind)
        return starch__error_set(err, STARCH_EINVAL, "%s: the key is %s", repo->type->name,
                                 kind == STARCH_KIND_INT ? "a string" : "an int");
    return STARCH_OK;
}

static int get_by_key(starch_repo *repo, const repo_key *key, void *out, starch_error *err)
{
    if (out == NULL)
        return starch__error_set(err, STARCH_EINVAL, "%s: get into NULL", repo->type->name);
    void *tmp = calloc(1, repo->type->size);
    if (tmp == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", repo->type->name);
    int rc = repo->ops->get(repo, key, tmp, err);
    if (rc == STARCH_OK) {
        starch_entity_clear(repo->type, out);
        memcpy(out, tmp, repo->type->size);
    }
    free(tmp);
    return rc;
}

int starch_repo_get(starch_repo *repo, int64_t id, void *out, starch_error *err)
{
    repo_key key = {id, ""};
    int rc = check_key(repo, STARCH_KIND_INT, err);
    return rc ? rc : get_by_key(repo, &key, out, err);
}

int starch_repo_get_str(starch_repo *repo, const char *id, void *out, starch_error *err)
{
    repo_key key = {0, id ? id : ""};
    int rc = check_key(repo, STARCH_KIND_STRING, err);
    return rc ? rc : get_by_key(repo, &key, out, err);
}

static int delete_by_key(starch_repo *repo, const repo_key *key, starch_error *err)
{
    void *old = calloc(1, repo->type->size);
    if (old == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", repo->type->name);
    int64_t event_id = 0;
    int rc = repo->ops->remove(repo, key, old, &event_id, err);
    if (rc == STARCH_OK)
        emit(repo, "deleted", old, event_id);
    starch_entity_clear(repo->type, old);
    free(old);
    return rc;
}

int starch_repo_delete(starch_repo *repo, int64_t id, starch_error *err)
{
    repo_key key = {id, ""};
    int rc = check_key(repo, STARCH_KIND_INT, err);
    return rc ? rc : delete_by_key(repo, &key, err);
}

int starch_repo_delete_str(starch_repo *repo, const char *id, starch_error *err)
{
    repo_key key = {0, id ? id : ""};
    int rc = check_key(repo, STARCH_KIND_STRING, err);
    return rc ? rc : delete_by_key(repo, &key, err);
}

int starch__repo_apply(const starch_repo *repo, const repo_key *key, starch_update_fn fn, void *ctx,
                       void *value, starch_error *err)
{
    int rc = fn(value, ctx);
    if (rc != STARCH_OK)
        return starch__error_set(err, rc, "%s: the update function returned %s", repo->type->name,
                                 starch_status_name(rc));
    repo_key now = starch__repo_key_of(repo->type, value);
    bool same = entity_key(repo->type)->kind == STARCH_KIND_INT ? now.i == key->i
                                                                : strcmp(now.s, key->s) == 0;
    if (!same)
        return starch__error_set(err, STARCH_EINVAL, "%s: the update function changed the key",
                                 repo->type->name);
    return STARCH_OK;
}

/* The update of the entity with key: the backend's locked read-modify-write into a
 * temporary, then the event, then the result moved into out. */
static int update_by_key(starch_repo *repo, const repo_key *key, starch_update_fn fn, void *ctx,
                         void *out, starch_error *err)
{
    if (fn == NULL)
        return starch__error_set(err, STARCH_EINVAL, "%s: update without a function",
                                 repo->type->name);
    void *value = calloc(1, repo->type->size);
    if (value == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", repo->type->name);
    int64_t event_id = 0;
    int rc = repo->ops->update(repo, key, fn, ctx, value, &event_id, err);
    if (rc == STARCH_OK)
        emit(repo, "updated", value, event_id);
    if (rc == STARCH_OK && out != NULL) {
        starch_entity_clear(repo->type, out);
        memcpy(out, value, repo->type->size); /* moved: out now owns the fields */
    } else {
        starch_entity_clear(repo->type, value);
    }
    free(value);
    return rc;
}

int starch_repo_update(starch_repo *repo, int64_t id, starch_update_fn fn, void *ctx, void *out,
                       starch_error *err)
{
    repo_key key = {id, ""};
    int rc = check_key(repo, STARCH_KIND_INT, err);
    return rc ? rc : update_by_key(repo, &key, fn, ctx, out, err);
}

int starch_repo_update_str(starch_repo *repo, const char *id, starch_update_fn fn, void *ctx,
                           void *out, starch_error *err)
{
    repo_key key = {0, id ? id : ""};
    int rc = check_key(repo, STARCH_KIND_STRING, err);
    return rc ? rc : update_by_key(repo, &key, fn, ctx, out, err);
}

int starch_repo_ping(starch_repo *repo, starch_error *err)
{
    return repo->ops->ping(repo, err);
}

/* Resolves a scalar field of the repository's type by name. */
static int scalar_field(starch_repo *repo, const char *name, const starch_field **f,
                        starch_error *err)
{
    int i = starch_entity_field(repo->type, name);
    if (i < 0)
        return starch__error_set(err, STARCH_EINVAL, "%s: no field `%s`", repo->type->name, name);
    *f = &repo->type->fields[i];
    if ((*f)->array || (*f)->kind == STARCH_KIND_ENTITY)
        return starch__error_set(err, STARCH_EINVAL, "%s.%s: not a scalar field", repo->type->name,
                                 name);
    return STARCH_OK;
}

/* Checks query (NULL: everything by key) into q. */
static int check_query(starch_repo *repo, const starch_query *query, repo_query *q,
                       starch_error *err)
{
    starch_query none = {0};
    if (query == NULL)
        query = &none;
    *q = (repo_query){.value = query->value,
                      .order = entity_key(repo->type),
                      .desc = query->desc,
                      .limit = query->limit,
                      .offset = query->offset};
    int rc;
    if (query->field && (rc = scalar_field(repo, query->field, &q->filter, err)))
        return rc;
    if (query->order_by && (rc = scalar_field(repo, query->order_by, &q->order, err)))
        return rc;
    if (q->filter && q->filter->kind != query->value.kind &&
        !(q->filter->kind == STARCH_KIND_FLOAT && query->value.kind == STARCH_KIND_INT))
        return starch__error_set(err, STARCH_EINVAL,
                                 "%s.%s: the value has another kind than the field",
                                 repo->type->name, q->filter->name);
    return STARCH_OK;
}

int starch_repo_where(starch_repo *repo, const starch_query *query, starch_list *list,
                      starch_error *err)
{
    repo_query q;
    *list = repo_list_empty(repo->type);
    int rc = check_query(repo, query, &q, err);
    return rc ? rc : repo->ops->where(repo, &q, list, err);
}

int starch_repo_all(starch_repo *repo, starch_list *list, starch_error *err)
{
    return starch_repo_where(repo, NULL, list, err);
}

int starch_repo_count(starch_repo *repo, const starch_query *query, size_t *count,
                      starch_error *err)
{
    repo_query q;
    *count = 0;
    int rc = check_query(repo, query, &q, err);
    return rc ? rc : repo->ops->count(repo, &q, count, err);
}

void starch_list_free(starch_list *list)
{
    if (list == NULL)
        return;
    char *items = list->items;
    for (size_t i = 0; i < list->count; i++)
        starch_entity_clear(list->type, items + i * list->type->size);
    free(items);
    *list = repo_list_empty(list->type);
}

/* repo_memory.c — the memory repository: a chained hash map from id to a private copy of
 * each entity, under a read-write lock (gets and queries share it, writes take it alone).
 * Entities are copied in on save and out on get and where; nothing the caller holds is
 * ever kept. */
#include "repo_impl.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

/* Compares doubles: <0, 0, >0, NaN first. */
static int compare_double(double x, double y)
{
    bool nx = isnan(x), ny = isnan(y);
    if (nx || ny)
        return (int)ny - (int)nx; /* NaN first, as SQLite sorts the NULL it stores NaN as */
    return (x > y) - (x < y);
}

/* Compares scalar field f of a and b: <0, 0, >0 (strings bytewise, NULL as ""; NaN
 * first). */
static int entity_compare_field(const starch_field *f, const void *a, const void *b)
{
    const void *x = entity_at(a, f), *y = entity_at(b, f);
    switch (f->kind) {
    case STARCH_KIND_INT: {
        int64_t i = *(const int64_t *)x, j = *(const int64_t *)y;
        return (i > j) - (i < j);
    }
    case STARCH_KIND_FLOAT: return compare_double(*(const double *)x, *(const double *)y);
    case STARCH_KIND_BOOL: return (int)*(const bool *)x - (int)*(const bool *)y;
    case STARCH_KIND_STRING: return strcmp(entity_str(a, f), entity_str(b, f));
    case STARCH_KIND_ENTITY: break;
    }
    return 0;
}

/* True when scalar field f of value equals v (an int v matches a float field). */
static bool entity_field_matches(const starch_field *f, const void *value, const starch_value *v)
{
    const void *x = entity_at(value, f);
    switch (f->kind) {
    case STARCH_KIND_INT: return *(const int64_t *)x == v->i;
    case STARCH_KIND_FLOAT:
        return *(const double *)x == (v->kind == STARCH_KIND_INT ? (double)v->i : v->f);
    case STARCH_KIND_BOOL: return *(const bool *)x == v->b;
    case STARCH_KIND_STRING: return strcmp(entity_str(value, f), v->s ? v->s : "") == 0;
    case STARCH_KIND_ENTITY: break;
    }
    return false;
}

/* One stored entity; the entity itself follows the node, aligned for any type. */
typedef struct node {
    struct node *next;
    uint64_t hash;
    max_align_t entity[];
} node;

typedef struct mem_repo {
    starch_repo base;
    pthread_rwlock_t lock;
    node **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
    int64_t next_id; /* one more than the largest int id ever held; 0 once INT64_MAX was */
} mem_repo;

static uint64_t hash_key(const starch_entity_type *type, const repo_key *key)
{
    if (entity_key(type)->kind == STARCH_KIND_INT) { /* splitmix64's finaliser */
        uint64_t x = (uint64_t)key->i;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
        return x ^ (x >> 31);
    }
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (const unsigned char *s = (const unsigned char *)key->s; *s; s++)
        h = (h ^ *s) * 0x100000001b3u;
    return h;
}

static bool key_equal(const starch_entity_type *type, const void *value, const repo_key *key)
{
    repo_key k = starch__repo_key_of(type, value);
    if (entity_key(type)->kind == STARCH_KIND_INT)
        return k.i == key->i;
    return strcmp(k.s, key->s) == 0;
}

/* The link that points at the node with key (or at the NULL ending its chain). */
static node **find(mem_repo *m, const repo_key *key, uint64_t hash)
{
    node **link = &m->buckets[hash & (m->bucket_count - 1)];
    while (*link && !((*link)->hash == hash && key_equal(m->base.type, (*link)->entity, key)))
        link = &(*link)->next;
    return link;
}

/* Doubles the table when it holds more entities than buckets; keeps it on ENOMEM. */
static void grow(mem_repo *m)
{
    if (m->count < m->bucket_count)
        return;
    size_t n = m->bucket_count * 2;
    node **b = calloc(n, sizeof *b);
    if (b == NULL)
        return;
    for (size_t i = 0; i < m->bucket_count; i++) {
        for (node *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->bucket_count = n;
}

/* A new node holding a copy of value with the key id (for int keys); NULL on ENOMEM. */
static node *new_node(const starch_entity_type *type, const void *value, int64_t id)
{
    node *e = malloc(sizeof *e + type->size);
    if (e == NULL)
        return NULL;
    if (starch_entity_copy(type, e->entity, value) != STARCH_OK) {
        free(e);
        return NULL;
    }
    if (entity_key(type)->kind == STARCH_KIND_INT)
        *(int64_t *)entity_at(e->entity, entity_key(type)) = id;
    return e;
}

static int mem_save(starch_repo *repo, void *value, bool *created, int64_t *event_id,
                    starch_error *err)
{
    mem_repo *m = (mem_repo *)repo;
    const starch_entity_type *type = repo->type;
    bool int_key = entity_key(type)->kind == STARCH_KIND_INT;
    (void)event_id;
    pthread_rwlock_wrlock(&m->lock);
    repo_key key = starch__repo_key_of(type, value);
    if (int_key && key.i == 0 && m->next_id == 0) {
        pthread_rwlock_unlock(&m->lock);
        return starch__error_set(err, STARCH_EINVAL, "%s: no int id left (id %lld has been held)",
                                 type->name, (long long)INT64_MAX);
    }
    if (int_key && key.i == 0)
        key.i = m->next_id;
    uint64_t hash = hash_key(type, &key);
    node *e = new_node(type, value, key.i);
    if (e == NULL) {
        pthread_rwlock_unlock(&m->lock);
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", type->name);
    }
    e->hash = hash;
    node **link = find(m, &key, hash);
    *created = *link == NULL;
    if (*link) { /* replace the old node */
        e->next = (*link)->next;
        starch_entity_clear(type, (*link)->entity);
        free(*link);
    } else {
        e->next = NULL;
        m->count++;
    }
    *link = e;
    if (int_key && m->next_id != 0 && key.i >= m->next_id)
        m->next_id = key.i == INT64_MAX ? 0 : key.i + 1;
    grow(m);
    pthread_rwlock_unlock(&m->lock);
    if (int_key)
        *(int64_t *)entity_at(value, entity_key(type)) = key.i;
    return STARCH_OK;
}

static int mem_get(starch_repo *repo, const repo_key *key, void *out, starch_error *err)
{
    mem_repo *m = (mem_repo *)repo;
    pthread_rwlock_rdlock(&m->lock);
    node *e = *find(m, key, hash_key(repo->type, key));
    int rc = e ? starch_entity_copy(repo->type, out, e->entity) : STARCH_ENOTFOUND;
    pthread_rwlock_unlock(&m->lock);
    if (rc == STARCH_ENOMEM)
        return starch__error_set(err, rc, "%s: out of memory", repo->type->name);
    return rc ? starch__repo_not_found(repo, key, err) : STARCH_OK;
}

static int mem_remove(starch_repo *repo, const repo_key *key, void *old, int64_t *event_id,
                      starch_error *err)
{
    mem_repo *m = (mem_repo *)repo;
    (void)event_id;
    pthread_rwlock_wrlock(&m->lock);
    node **link = find(m, key, hash_key(repo->type, key));
    node *e = *link;
    if (e) {
        *link = e->next;
        m->count--;
    }
    pthread_rwlock_unlock(&m->lock);
    if (e == NULL)
        return starch__repo_not_found(repo, key, err);
    memcpy(old, e->entity, repo->type->size); /* moved: old now owns the fields */
    free(e);
    return STARCH_OK;
}

/* Under the write lock: copies the node with key into value, applies fn, and puts a copy
 * of the result in the node's place. */
static int update_locked(mem_repo *m, const repo_key *key, starch_update_fn fn, void *ctx,
                         void *value, starch_error *err)
{
    const starch_entity_type *type = m->base.type;
    uint64_t hash = hash_key(type, key);
    node **link = find(m, key, hash);
    if (*link == NULL)
        return starch__repo_not_found(&m->base, key, err);
    if (starch_entity_copy(type, value, (*link)->entity) != STARCH_OK)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", type->name);
    int rc = starch__repo_apply(&m->base, key, fn, ctx, value, err);
    if (rc != STARCH_OK)
        return rc;
    node *e = new_node(type, value, key->i);
    if (e == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", type->name);
    e->hash = hash;
    e->next = (*link)->next;
    starch_entity_clear(type, (*link)->entity);
    free(*link);
    *link = e;
    return STARCH_OK;
}

static int mem_update(starch_repo *repo, const repo_key *key, starch_update_fn fn, void *ctx,
                      void *value, int64_t *event_id, starch_error *err)
{
    mem_repo *m = (mem_repo *)repo;
    (void)event_id;
    pthread_rwlock_wrlock(&m->lock);
    int rc = update_locked(m, key, fn, ctx, value, err);
    pthread_rwlock_unlock(&m->lock);
    if (rc != STARCH_OK)
        starch_entity_clear(repo->type, value);
    return rc;
}

static int mem_ping(starch_repo *repo, starch_error *err)
{
    (void)repo;
    (void)err;
    return STARCH_OK;
}

/* Order of two entities under q: the order field, then the key ascending. */
static int compare(const starch_entity_type *type, const repo_query *q, const void *a,
                   const void *b)
{
    int c = entity_compare_field(q->order, a, b);
    if (q->desc)
        c = -c;
    return c ? c : entity_compare_field(entity_key(type), a, b);
}

/* Sorts a[0..n) by q (a bottom-up merge sort: qsort has no context argument in C11);
 * tmp has room for n pointers. */
static void sort(const starch_entity_type *type, const repo_query *q, const void **a,
                 const void **tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = compare(type, q, a[j], a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

/* Moves element i of the max-heap h[0..n) (ordered by q) down to its place. */
static void sift_down(const starch_entity_type *type, const repo_query *q, const void **h, size_t n,
                      size_t i)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && compare(type, q, h[l], h[big]) > 0)
            big = l;
        if (r < n && compare(type, q, h[r], h[big]) > 0)
            big = r;
        if (big == i)
            return;
        const void *t = h[i];
        h[i] = h[big];
        h[big] = t;
        i = big;
    }
}

/* Leaves in a[0..k) the k first of a[0..n) under q, unsorted (a bounded max-heap:
 * O(n log k), so a page of a large repository is not found by sorting all of it). */
static void select_first(const starch_entity_type *type, const repo_query *q, const void **a,
                         size_t n, size_t k)
{
    for (size_t i = k / 2; i-- > 0;)
        sift_down(type, q, a, k, i);
    for (size_t i = k; i < n; i++) {
        if (compare(type, q, a[i], a[0]) < 0) {
            a[0] = a[i];
            sift_down(type, q, a, k, 0);
        }
    }
}

/* Collects the entities q's filter selects into a (room for m->count); returns how many. */
static size_t collect(mem_repo *m, const repo_query *q, const void **a)
{
    size_t n = 0;
    for (size_t i = 0; i < m->bucket_count; i++)
        for (node *e = m->buckets[i]; e; e = e->next)
            if (q->filter == NULL || entity_field_matches(q->filter, e->entity, &q->value))
                a[n++] = e->entity;
    return n;
}

/* Copies the page [offset, offset+limit) of the sorted a[0..n) into list. */
static int copy_page(const starch_entity_type *type, const repo_query *q, const void **a, size_t n,
                     starch_list *list)
{
    size_t from = q->offset < n ? q->offset : n;
    size_t count = n - from;
    if (q->limit && q->limit < count)
        count = q->limit;
    if (count == 0)
        return STARCH_OK;
    char *items = calloc(count, type->size);
    if (items == NULL)
        return STARCH_ENOMEM;
    list->items = items;
    for (size_t i = 0; i < count; i++) {
        if (starch_entity_copy(type, items + i * type->size, a[from + i]) != STARCH_OK)
            return STARCH_ENOMEM;
        list->count++;
    }
    return STARCH_OK;
}

static int mem_where(starch_repo *repo, const repo_query *q, starch_list *list, starch_error *err)
{
    mem_repo *m = (mem_repo *)repo;
    pthread_rwlock_rdlock(&m->lock);
    size_t room = m->count ? m->count : 1;
    const void **a = malloc(2 * room * sizeof *a);
    int rc = STARCH_ENOMEM;
    if (a) {
        size_t n = collect(m, q, a);
        size_t k = q->limit && q->offset < n && q->limit < n - q->offset ? q->offset + q->limit : n;
        if (k < n / 2) {
            select_first(repo->type, q, a, n, k);
            n = k;
        }
        sort(repo->type, q, a, a + room, n);
        rc = copy_page(repo->type, q, a, n, list);
    }
    pthread_rwlock_unlock(&m->lock);
    free(a);
    if (rc != STARCH_OK) {
        starch_list_free(list);
        return starch__error_set(err, rc, "%s: out of memory", repo->type->name);
    }
    return STARCH_OK;
}

static int mem_count(starch_repo *repo, const repo_query *q, size_t *n, starch_error *err)
{
    mem_repo *m = (mem_repo *)repo;
    (void)err;
    pthread_rwlock_rdlock(&m->lock);
    size_t c = 0;
    for (size_t i = 0; i < m->bucket_count; i++)
        for (node *e = m->buckets[i]; e; e = e->next)
            c += q->filter == NULL || entity_field_matches(q->filter, e->entity, &q->value);
    pthread_rwlock_unlock(&m->lock);
    *n = c;
    return STARCH_OK;
}

static void mem_destroy(starch_repo *repo)
{
    mem_repo *m = (mem_repo *)repo;
    for (size_t i = 0; i < m->bucket_count; i++) {
        for (node *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            starch_entity_clear(repo->type, e->entity);
            free(e);
        }
    }
    free(m->buckets);
    pthread_rwlock_destroy(&m->lock);
    free(m);
}

static const repo_ops mem_ops = {.save = mem_save,
                                 .get = mem_get,
                                 .remove = mem_remove,
                                 .update = mem_update,
                                 .ping = mem_ping,
                                 .where = mem_where,
                                 .count = mem_count,
                                 .destroy = mem_destroy};

starch_repo *starch_repo_memory(const starch_entity_type *type, starch_bus *bus, starch_error *err)
{
    if (starch__repo_check_type(type, err) != STARCH_OK)
        return NULL;
    mem_repo *m = calloc(1, sizeof *m);
    if (m)
        m->buckets = calloc(16, sizeof *m->buckets);
    if (m == NULL || m->buckets == NULL || pthread_rwlock_init(&m->lock, NULL) != 0) {
        if (m)
            free(m->buckets);
        free(m);
        starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", type->name);
        return NULL;
    }
    m->base = (starch_repo){&mem_ops, type, bus};
    m->bucket_count = 16;
    m->next_id = 1;
    return &m->base;
}

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities.starch.h"
#include <starch_events.h>
#include <starch_json.h>

int main(void)
{
    char *tags[] = {"a<b", "c&d"};
    Owner hist[] = {{"u1", "Ann"}, {"u2", "Bob \"the builder\""}};
    int64_t scores[] = {3, -4};
    Item it = {7, "Tea & <biscuits>", true, 2.5, tags, 2, {"o1", "$Ola @home"}, hist, 2, scores, 2};
    starch_out out;
    starch_out_init(&out);
    entities_Show(&out, &it, NULL, NAN, "it's \"quoted\" </script>");

    /* the generated descriptor drives the runtime: JSON out and back in */
    starch_out json;
    starch_out_init(&json);
    starch_entity_json(&json, &Item_type, &it);
    starch_out_printf(&out, "%.*s\n", (int)starch_out_len(&json), starch_out_data(&json));
    Item back;
    memset(&back, 0, sizeof back);
    starch_error err;
    int rc = starch_entity_from_json_text(&Item_type, &back, starch_out_data(&json),
                                          starch_out_len(&json), STARCH_READ_STRICT, &err);
    starch_out_printf(&out, "read back: %d, equal: %d, key field: %d, fields: %zu\n", rc,
                      starch_entity_equal(&Item_type, &it, &back), Item_type.key,
                      Item_type.field_count);
    Item_clear(&back);
    starch_out_printf(&out, "cleared: %s %zu\n", back.title ? back.title : "(null)",
                      back.tags_count);

    /* and a repository, with the key given by the descriptor */
    starch_repo *repo = starch_repo_memory(&Item_type, NULL, &err);
    Item fresh = it;
    fresh.id = 0;
    rc = starch_repo_save(repo, &fresh, &err);
    starch_out_printf(&out, "saved: %d id %lld\n", rc, (long long)fresh.id);
    starch_repo_free(repo);

    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    starch_out_free(&json);
    int e = starch_out_error(&out);
    starch_out_free(&out);
    return e;
}

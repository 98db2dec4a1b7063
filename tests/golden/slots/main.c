#include <stdio.h>

#include "slots.starch.h"

static int ids;

int next_id(void)
{
    return ++ids;
}

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    slots_Page(&out, 2);
    printf("%.*s", (int)starch_out_len(&out), starch_out_data(&out));
    printf("next_id called %d times\n", ids);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}

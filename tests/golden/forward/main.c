#include <stdio.h>

#include "forward.starch.h"

static int ids;

/* Counts the calls: each Layout argument and nav id is evaluated once per render. */
int next_id(void)
{
    return ++ids;
}

int main(void)
{
    int counts[] = {3, 4};
    starch_out out;
    starch_out_init(&out);
    forward_Dashboard(&out, "Ann", counts, 2);
    forward_Bare(&out);
    printf("%.*s", (int)starch_out_len(&out), starch_out_data(&out));
    printf("next_id called %d times\n", ids);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}

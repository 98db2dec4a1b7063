#include <stdio.h>

#include "components.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    Link links[] = {{"/a?x=1&y=2", "A & B"}, {"/c", "<C>"}};
    char *tags[] = {"red", "blue"};
    User u = {7, "Ada", true, 9.5, tags, 2};
    components_Page(&out, "Home", links, 2, &u);
    components_Nav(&out, links, 1);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}

/* page.c — renders the todo example page to standard output. */
#include <stdio.h>

#include "todo.starch.h"

int main(void)
{
    Todo todos[] = {
        {1, "Write the template", true},
        {2, "Compile it with starch", true},
        {3, "Render <b>fast</b> & safely", false},
    };
    starch_out out;
    starch_out_init(&out);
    todo_TodoList(&out, "Todos", todos, sizeof todos / sizeof todos[0]);
    int err = starch_out_error(&out);
    if (err == 0)
        fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    starch_out_free(&out);
    return err != 0;
}

#include <stdio.h>

#include "todo.starch.h"

int main(void)
{
    Todo todos[] = {{1, "Buy milk", false}, {2, "Write <docs> & tests", true}};
    starch_out out;
    starch_out_init(&out);
    todo_TodoList(&out, todos, 2, &todos[0]);
    todo_TodoList(&out, NULL, 0, NULL);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}

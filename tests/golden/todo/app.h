/* app.h — what the todo example's templates need from the application. */
#include <stdbool.h>
#include <stddef.h>

#include <math.h>
#include "omniq/erlang.h"

oq_status oq_erlang_b(double load, int32_t agents, double *blocking)
{
    if (!blocking || !isfinite(load) || load < 0 || agents < 0)
        return OQ_EINVAL;
    double b = 1.0;
    for (int32_t n = 1; n <= agents; n++)
        b = load * b / (n + load * b);
    *blocking = b;
    return OQ_OK;
}

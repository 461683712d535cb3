/* SPDX-License-Identifier: MIT */
/* Status codes to text, and the library version. */
#include "omniq/core.h"

typedef struct status_text {
    oq_status code;
    const char *name;
    const char *text;
} status_text;

static const status_text STATUS_TEXTS[] = {
    {OQ_OK, "OQ_OK", "success"},
    {OQ_EINVAL, "OQ_EINVAL", "invalid argument"},
    {OQ_ENOTFOUND, "OQ_ENOTFOUND", "not found"},
    {OQ_EEXIST, "OQ_EEXIST", "already exists"},
    {OQ_ENOMEM, "OQ_ENOMEM", "out of memory"},
    {OQ_ESTATE, "OQ_ESTATE", "not allowed in the current state"},
    {OQ_ECONFIG, "OQ_ECONFIG", "invalid configuration"},
    {OQ_EBUSY, "OQ_EBUSY", "engine busy: mutating call from inside a callback"},
    {OQ_ECORRUPT, "OQ_ECORRUPT", "internal consistency check failed"},
    {OQ_ERANGE, "OQ_ERANGE", "limit exceeded"},
};

static const status_text *find_status(oq_status status)
{
    for (size_t i = 0; i < sizeof STATUS_TEXTS / sizeof STATUS_TEXTS[0]; i++)
        if (STATUS_TEXTS[i].code == status)
            return &STATUS_TEXTS[i];
    return NULL;
}

const char *oq_status_str(oq_status status)
{
    const status_text *t = find_status(status);
    return t ? t->text : "unknown status";
}

const char *oq_status_name(oq_status status)
{
    const status_text *t = find_status(status);
    return t ? t->name : "OQ_UNKNOWN";
}

const char *oq_version(void) { return OQ_VERSION_STRING; }

int32_t oq_version_number(void) { return OQ_VERSION_NUMBER; }

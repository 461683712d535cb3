/* placeholder */
#include "omniq/snapshot.h"

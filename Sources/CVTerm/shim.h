#ifndef PORTHOLE_CVTERM_SHIM_H
#define PORTHOLE_CVTERM_SHIM_H
#include <vterm.h>
#endif

// porthole-init: the first process of every porthole instance and exec session
// (signal forwarding, reaping, namespaces, death with the server). The code is in
// CShims (porthole_init.c), so that porthole can also run it as
// `porthole --porthole-init …` where this executable is not installed.
#include "CShims.h"

int main(int argc, char **argv) { return porthole_init_main(argc, argv); }

#ifndef SAFEGUARD_CGLPK_SHIM_H
#define SAFEGUARD_CGLPK_SHIM_H

// GLPK, the GNU Linear Programming Kit (Debian's libglpk-dev), for the suppression audit.
// GLPK's API is plain functions and constants that Swift imports as they are; the shim only
// gives the module its one header. GLPK ships no pkg-config file, so the module links it by
// name.
#include <glpk.h>

#endif

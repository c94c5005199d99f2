/*
 * ismsctl_main.c: main() of ismsctl, apart from ctl_main so that unit
 * tests link the real command table and dispatcher.
 */
#include "ctl.h"

int
main(int argc, char **argv)
{
	return ctl_main(argc, argv);
}

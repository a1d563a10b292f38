/* SPDX-License-Identifier: MIT */
/* The two lives of berth's PID 1: from the initramfs, then from the verified root. */
#ifndef BERTH_INIT_STAGE_H
#define BERTH_INIT_STAGE_H

#include <stdnoreturn.h>

noreturn void stage1_main(void);
noreturn void stage2_main(void);

#endif

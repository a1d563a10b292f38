/* SPDX-License-Identifier: MIT */
/* Watching input devices for the power key (a hypervisor's ACPI power button). */
#ifndef BERTH_INIT_POWERKEY_H
#define BERTH_INIT_POWERKEY_H

int powerkey_watch(void (*on_press)(void));

#endif

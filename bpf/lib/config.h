/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-time configuration. The loader writes it into .rodata between
 * skeleton open and load, so the verifier sees constants and dead branches
 * (per-packet mode off, unused DNS ports) cost nothing.
 */
#ifndef FLOWS_LIB_CONFIG_H
#define FLOWS_LIB_CONFIG_H

#include "../include/flow_record.h"

const volatile struct flows_config flows_cfg = {
	.stats_interval_ns = 5000000000ULL,
	.wakeup_bytes = 1 << 20,
	.per_packet = 0,
	.dns_ports = {53, 0, 0, 0},
};

#endif /* FLOWS_LIB_CONFIG_H */

/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Umbrella header of lws-system: the core (context, state machine, attach
 * queue, blobs, logging) and every helper's API.  Code written against
 * libwebsockets' lws_system API ports by including this instead of
 * <libwebsockets.h>.
 */
#ifndef LWS_SYSTEM_H
#define LWS_SYSTEM_H

#include <lws-system/lws_config.h>
#include <lws-system/system.h>
#include <lws-system/async-dns.h>
#include <lws-system/ntpclient.h>
#include <lws-system/dhcpclient.h>
#include <lws-system/cpd.h>
#include <lws-system/smd.h>
#include <lws-system/fi.h>

#endif /* LWS_SYSTEM_H */

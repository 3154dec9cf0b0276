/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The lws-system authors
 *
 * Intrusive doubly-linked lists whose owner counts its members.
 */
#include "private-core.h"

void lws_dll2_add_tail(lws_dll2_t *d, lws_dll2_owner_t *owner)
{
    if (d->owner)
        lws_dll2_remove(d);
    d->owner = owner;
    d->next = NULL;
    d->prev = owner->tail;
    if (owner->tail)
        owner->tail->next = d;
    else
        owner->head = d;
    owner->tail = d;
    owner->count++;
}

void lws_dll2_add_head(lws_dll2_t *d, lws_dll2_owner_t *owner)
{
    if (d->owner)
        lws_dll2_remove(d);
    d->owner = owner;
    d->prev = NULL;
    d->next = owner->head;
    if (owner->head)
        owner->head->prev = d;
    else
        owner->tail = d;
    owner->head = d;
    owner->count++;
}

void lws_dll2_remove(lws_dll2_t *d)
{
    lws_dll2_owner_t *owner = d->owner;

    if (!owner)
        return;
    if (d->prev)
        d->prev->next = d->next;
    else
        owner->head = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        owner->tail = d->prev;
    owner->count--;
    d->prev = d->next = NULL;
    d->owner = NULL;
}

int lws_dll2_is_detached(const lws_dll2_t *d)
{
    return !d->owner;
}

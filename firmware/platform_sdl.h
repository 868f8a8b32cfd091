/* platform_sdl: the SDL objects behind the platform, for the renderer. */
#ifndef PRIKBORD_PLATFORM_SDL_H
#define PRIKBORD_PLATFORM_SDL_H

#include "platform.h"

#include <SDL.h>

/* Borrowed; valid until platform_destroy. */
SDL_Renderer *platform_sdl_renderer(struct platform *p);

#endif

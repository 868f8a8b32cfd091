#!/bin/sh
# Regenerates the illustrated stand-in images of the demo feed (../feed.json) with ImageMagick
# only: no photos are downloaded, so every "portrait" is a flat silhouette on a gradient.
# Usage: sh make-images.sh            (writes next to this script)
#        CONVERT=/path/to/convert sh make-images.sh
# /usr/bin/convert is the default on purpose: another `convert` earlier in PATH may be a stand-in.
# images/missing.jpg is referenced by the feed but deliberately NOT generated (avatar fallback).
# $SAVE holds several options and is split into words on purpose.
# shellcheck disable=SC2086
set -eu

CONVERT=${CONVERT:-/usr/bin/convert}
OUT=$(cd "$(dirname "$0")" && pwd)
# Same pixels and no timestamps or profiles in the files, so reruns give stable output.
SAVE="-strip -interlace none -sampling-factor 4:2:0 -quality 82"

# avatar FILE TOP BOTTOM FIGURE OPACITY: 512x512, diagonal two-colour gradient, head and
# shoulders. The figure is drawn opaque on its own layer and then faded as a whole, so the places
# where head, neck and shoulders overlap do not come out darker.
avatar() {
    "$CONVERT" -size 512x512 -define gradient:angle=135 "gradient:$2-$3" \
        \( -size 512x512 xc:none -fill "$4" -draw "ellipse 256,560 200,215 0,360" \
           -draw "roundrectangle 218,250 294,380 26,26" -draw "circle 256,200 256,310" \
           -channel A -evaluate multiply "$5" +channel \) -composite \
        $SAVE "$OUT/$1"
}

# intro FILE WALL_TOP WALL_BOTTOM FLOOR FIGURE PLANT X: 1200x900 "office" backdrop (window,
# plant, shelf), softened with a blur so the silhouette in front reads as the subject; X is the
# horizontal centre of the person, off-centre. The figure is faded as one layer, as for avatars.
intro() {
    x=$7
    "$CONVERT" -size 1200x900 "gradient:$2-$3" \
        -fill "$4" -draw "rectangle 0,690 1200,900" \
        -fill "rgba(255,255,255,0.55)" -draw "roundrectangle 120,110 470,520 14,14" \
        -fill "rgba(255,255,255,0.35)" -draw "rectangle 120,305 470,325" \
        -draw "rectangle 285,110 305,520" \
        -fill "rgba(0,0,0,0.10)" -draw "rectangle 560,250 1080,268" \
        -draw "rectangle 600,190 640,250" -draw "rectangle 660,170 690,250" \
        -draw "rectangle 930,205 990,250" \
        -fill "rgba(90,60,40,0.55)" -draw "polygon 905,700 1035,700 1015,820 925,820" \
        -fill "$6" -draw "ellipse 970,600 40,110 -20,200" \
        -draw "ellipse 930,630 30,95 0,360" -draw "ellipse 1010,625 32,100 0,360" \
        -draw "ellipse 970,560 28,90 0,360" \
        -blur 0x6 \
        \( -size 1200x900 xc:none -fill "$5" -draw "ellipse $x,935 340,390 0,360" \
           -draw "roundrectangle $((x - 52)),420 $((x + 52)),560 34,34" -draw "circle $x,330 $x,460" \
           -channel A -evaluate multiply 0.85 +channel \) -composite \
        $SAVE "$OUT/$1"
}

# Avatars: a different soft palette per person; the figure is a darker or lighter tone of it.
avatar ijsbrand-kuipers.jpg   '#f6d9b8' '#d9826b' 'rgb(96,40,30)' 0.55
avatar sanne-de-vries.jpg     '#fde2e4' '#e29db0' 'rgb(110,40,70)' 0.50
avatar priya-raghunathan.jpg  '#ffe8a8' '#f29e4c' 'rgb(120,60,10)' 0.50
avatar mohammed-el-amrani.jpg '#cfe8ff' '#5e8fcf' 'rgb(20,40,90)' 0.55
avatar zoe-van-den-berg.jpg   '#e4d9ff' '#9a86d6' 'rgb(255,255,255)' 0.45
avatar ozlem-yildiz.jpg       '#c9f2e7' '#4fa89a' 'rgb(10,70,60)' 0.50
avatar francois-lefevre.jpg   '#dbe4ec' '#6f8598' 'rgb(255,255,255)' 0.42
avatar siobhan-ni-bhriain.jpg '#dff5c8' '#7cb35c' 'rgb(30,70,20)' 0.50
avatar ana-lucia-ferreira.jpg '#ffd6c9' '#e0707a' 'rgb(255,255,255)' 0.45
avatar daan-bakker.jpg        '#f1e6d2' '#b39a72' 'rgb(70,50,25)' 0.50

# Introduction photos: larger, the person off-centre in a softly blurred office.
intro intro-ozlem-yildiz.jpg       '#e8f4f1' '#a9d3c8' '#7fb3a6' 'rgb(15,70,60)'  '#4c8c5a' 420
intro intro-francois-lefevre.jpg   '#eef1f5' '#b8c4d0' '#8d9aa8' 'rgb(35,45,60)'  '#5a8f62' 400
intro intro-siobhan-ni-bhriain.jpg '#f3f7e8' '#c8dca8' '#9bb77c' 'rgb(40,70,30)'  '#3f7d4a' 440
intro intro-kofi-mensah.jpg        '#fbf0e2' '#e7c39a' '#c49a6c' 'rgb(80,45,20)'  '#4f8a4f' 410

# Post illustrations, 1200x800.

# The new coffee machine: a cup on a saucer with steam.
"$CONVERT" -size 1200x800 -define gradient:angle=160 'gradient:#fbf1e4-#e3c7a4' \
    -fill 'rgba(255,255,255,0.35)' -draw 'circle 960,170 960,330' \
    -fill 'rgba(120,80,50,0.18)' -draw 'ellipse 600,640 330,60 0,360' \
    -fill '#fdfaf6' -draw 'ellipse 600,610 300,52 0,360' \
    -fill '#e9ddd0' -draw 'ellipse 600,600 200,28 0,360' \
    -fill none -stroke '#2f5d62' -strokewidth 34 -draw 'ellipse 795,440 70,80 -90,90' \
    -stroke none -fill '#2f5d62' -draw 'roundrectangle 400,330 800,600 40,40' \
    -draw 'rectangle 400,330 800,460' \
    -fill '#6b3e26' -draw 'ellipse 600,330 200,34 0,360' \
    -fill '#c89f7a' -draw 'ellipse 600,330 120,18 0,360' \
    -fill none -stroke 'rgba(255,255,255,0.85)' -strokewidth 14 -draw 'stroke-linecap round' \
    -draw 'bezier 540,280 500,220 580,190 540,120' \
    -draw 'bezier 610,280 570,210 650,180 610,100' \
    -draw 'bezier 680,280 640,220 720,190 680,130' \
    $SAVE "$OUT/post-coffee.jpg"

# The lunch lecture: a slide on a screen, a speaker at a lectern, the heads of an audience.
"$CONVERT" -size 1200x800 'gradient:#2d3a5a-#55648a' \
    -fill 'rgba(255,236,180,0.16)' -draw 'polygon 900,0 700,800 1100,800' \
    -fill '#f4f1ea' -draw 'roundrectangle 120,90 700,420 12,12' \
    -fill '#e07a5f' -draw 'rectangle 170,140 500,175' \
    -fill '#9aa5b8' -draw 'rectangle 170,215 640,232' -draw 'rectangle 170,255 590,272' \
    -draw 'rectangle 170,295 630,312' -draw 'rectangle 170,335 540,352' \
    -fill '#f2cc8f' -draw 'circle 900,300 900,352' \
    -draw 'ellipse 900,520 105,150 0,360' \
    -fill '#8a5a3c' -draw 'polygon 770,450 1030,450 995,700 805,700' \
    -fill '#a8714c' -draw 'polygon 755,420 1045,420 1030,462 770,462' \
    -fill '#3d405b' -draw 'rectangle 895,395 905,425' -draw 'circle 900,392 900,400' \
    -fill '#1b2336' -draw 'circle 120,760 120,835' -draw 'circle 300,770 300,845' \
    -draw 'circle 480,755 480,830' -draw 'circle 660,770 660,845' \
    -draw 'circle 840,760 840,835' -draw 'circle 1020,772 1020,847' \
    -draw 'ellipse 120,860 95,70 0,360' -draw 'ellipse 300,870 95,70 0,360' \
    -draw 'ellipse 480,855 95,70 0,360' -draw 'ellipse 660,870 95,70 0,360' \
    -draw 'ellipse 840,860 95,70 0,360' -draw 'ellipse 1020,872 95,70 0,360' \
    $SAVE "$OUT/post-lunch-lecture.jpg"

# The customer win: rising bars, a trend arrow and a little confetti.
"$CONVERT" -size 1200x800 -define gradient:angle=135 'gradient:#e9f5ef-#b5dccb' \
    -fill 'rgba(47,93,98,0.15)' -draw 'rectangle 150,660 1050,668' \
    -fill '#81b29a' -draw 'roundrectangle 200,520 320,664 10,10' \
    -fill '#6aa287' -draw 'roundrectangle 370,450 490,664 10,10' \
    -fill '#4f9274' -draw 'roundrectangle 540,370 660,664 10,10' \
    -fill '#3d7f62' -draw 'roundrectangle 710,280 830,664 10,10' \
    -fill '#2f5d62' -draw 'roundrectangle 880,170 1000,664 10,10' \
    -fill none -stroke '#e07a5f' -strokewidth 16 -draw 'stroke-linecap round stroke-linejoin round' \
    -draw 'polyline 230,450 430,380 600,300 770,210 930,110' \
    -stroke none -fill '#e07a5f' -draw 'polygon 985,80 905,90 950,150' \
    -fill '#f2cc8f' -draw 'circle 260,160 260,172' -draw 'circle 420,240 420,250' \
    -draw 'circle 1080,300 1080,312' -fill '#e07a5f' -draw 'circle 340,110 340,119' \
    -draw 'circle 1100,180 1100,190' -fill '#3d405b' -draw 'circle 560,140 560,149' \
    -draw 'circle 150,330 150,340' \
    $SAVE "$OUT/post-customer-win.jpg"

# Community logo: a pin on a rounded board, PNG with transparency.
"$CONVERT" -size 256x256 xc:none \
    -fill '#2f5d62' -draw 'roundrectangle 8,8 248,248 48,48' \
    -fill '#f4f1ea' -draw 'roundrectangle 52,62 204,204 14,14' \
    -fill '#e07a5f' -draw 'circle 128,70 128,106' \
    -fill 'rgba(255,255,255,0.55)' -draw 'circle 118,60 118,70' \
    -fill '#3d405b' -draw 'rectangle 124,104 132,150' \
    -depth 8 -strip "$OUT/logo.png"

echo "images written to $OUT"

#!/usr/bin/env bash
# Regenerates the demo posters in images/ (drawn here, no photographs).
# Needs imagemagick and fonts-noto-cjk; the results are committed.
set -euo pipefail
cd "$(dirname "$0")/images"
F=Noto-Sans-CJK-SC-Bold
R=Noto-Sans-CJK-SC

# 光盘行动: a plate on a warm gradient.
convert -size 1920x1080 gradient:'#fff3e0'-'#ffb74d' \
  -fill '#ffffff' -stroke '#e65100' -strokewidth 18 -draw 'circle 1400,540 1400,200' \
  -fill none -stroke '#ffcc80' -strokewidth 10 -draw 'circle 1400,540 1400,300' \
  -stroke none -fill '#bf360c' -font "$F" -pointsize 150 -annotate +140+430 '光盘行动' \
  -fill '#4e342e' -font "$R" -pointsize 64 -annotate +150+580 '节约粮食 从我做起' \
  -fill '#6d4c41' -pointsize 44 -annotate +150+700 '谁知盘中餐，粒粒皆辛苦。' \
  -strip clean-plate.png

# 垃圾分类: four bins in the standard colours.
convert -size 1920x1080 gradient:'#e8f5e9'-'#a5d6a7' \
  -fill '#1b5e20' -font "$F" -pointsize 120 -annotate +160+230 '垃圾分类 人人有责' \
  -fill '#1565c0' -draw 'roundrectangle 160,380 520,900 30,30' \
  -fill '#c62828' -draw 'roundrectangle 600,380 960,900 30,30' \
  -fill '#2e7d32' -draw 'roundrectangle 1040,380 1400,900 30,30' \
  -fill '#424242' -draw 'roundrectangle 1480,380 1840,900 30,30' \
  -fill white -font "$F" -pointsize 60 \
  -annotate +220+680 '可回收物' -annotate +660+680 '有害垃圾' \
  -annotate +1100+680 '厨余垃圾' -annotate +1540+680 '其他垃圾' \
  -strip sorting.png

# 礼让斑马线: a zebra crossing (JPEG, so the demo covers both formats).
convert -size 1920x1080 xc:'#37474f' \
  -fill '#eceff1' \
  -draw 'rectangle 160,620 1760,680' -draw 'rectangle 160,740 1760,800' \
  -draw 'rectangle 160,860 1760,920' -draw 'rectangle 160,980 1760,1040' \
  -fill '#ffeb3b' -font "$F" -pointsize 140 -annotate +160+300 '礼让斑马线' \
  -fill white -font "$R" -pointsize 60 -annotate +170+450 '车让人 人守规 文明出行每一天' \
  -quality 88 -strip crossing.jpg

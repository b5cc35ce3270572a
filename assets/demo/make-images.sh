#!/usr/bin/env bash
# Regenerates the demo images in images/: posters and the honour roll's
# portraits, all drawn here (illustrations, no photographs, no real people).
# Needs imagemagick and fonts-noto-cjk; the results are committed.
set -euo pipefail
cd "$(dirname "$0")/images"
F=Noto-Sans-CJK-SC-Bold
R=Noto-Sans-CJK-SC
S=Noto-Serif-CJK-SC

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

# 孝老爱亲: a house, an elder and a child hand in hand.
convert -size 1920x1080 xc:'#fbe9e7' \
  -fill '#ffccbc' -draw 'circle 1440,560 1440,160' \
  -fill '#d84315' -draw 'polygon 1160,520 1440,300 1720,520' \
  -fill '#fff8e1' -draw 'rectangle 1210,520 1670,900' \
  -fill '#8d6e63' -draw 'roundrectangle 1400,700 1480,900 10,10' \
  -fill '#90caf9' -draw 'rectangle 1260,580 1360,660' -draw 'rectangle 1520,580 1620,660' \
  -fill '#9e9e9e' -draw 'circle 1070,640 1070,590' \
  -fill '#5d4037' -draw 'roundrectangle 1010,700 1130,960 50,50' \
  -stroke '#5d4037' -strokewidth 14 -draw 'line 1130,760 1190,810' -stroke none \
  -fill '#3e2723' -draw 'circle 1250,780 1250,745' \
  -fill '#e53935' -draw 'roundrectangle 1210,825 1290,980 36,36' \
  -stroke '#e53935' -strokewidth 12 -draw 'line 1212,850 1190,810' -stroke none \
  -fill '#bf360c' -font "$F" -pointsize 140 -annotate +140+360 '孝老爱亲' \
  -fill '#4e342e' -font "$F" -pointsize 80 -annotate +150+500 '传承好家风' \
  -fill '#6d4c41' -font "$S" -pointsize 46 -annotate +150+650 '老吾老，以及人之老；' \
  -annotate +150+730 '幼吾幼，以及人之幼。' \
  -fill '#8d6e63' -font "$R" -pointsize 40 -annotate +150+880 '常回家看看 多陪陪父母' \
  +dither -colors 64 -strip filial.png

# 全民阅读: an open book on a calm gradient.
convert -size 1920x1080 gradient:'#e0f2f1'-'#80cbc4' \
  -fill '#ffffff' -stroke '#00695c' -strokewidth 10 \
  -draw 'polygon 1100,420 1400,470 1400,860 1100,810' \
  -draw 'polygon 1700,420 1400,470 1400,860 1700,810' -stroke none \
  -stroke '#b2dfdb' -strokewidth 8 \
  -draw 'line 1150,520 1350,555' -draw 'line 1150,600 1350,635' -draw 'line 1150,680 1350,715' \
  -draw 'line 1450,555 1650,520' -draw 'line 1450,635 1650,600' -draw 'line 1450,715 1650,680' \
  -stroke none -fill '#ffb300' -draw 'circle 1560,300 1560,250' \
  -fill '#004d40' -font "$F" -pointsize 140 -annotate +140+360 '全民阅读' \
  -fill '#00695c' -font "$F" -pointsize 80 -annotate +150+500 '书香幸福里' \
  -fill '#004d40' -font "$S" -pointsize 48 -annotate +150+650 '读书破万卷，下笔如有神。' \
  -fill '#00695c' -font "$R" -pointsize 40 -annotate +150+860 '社区书屋 每天 9:00—20:00 免费开放' \
  -strip reading.png

# Portraits for the honour roll: stylised illustrated faces (600x600).
#   portrait FILE SKIN HAIR CLOTHES BACKGROUND STYLE GLASSES
# STYLE: short, crew, side, long, bob, bun, ponytail, grey (receding, older).
portrait() {
  local out=$1 skin=$2 hair=$3 clothes=$4 bg=$5 style=$6 glasses=$7
  local args=(-size 600x600 "xc:$bg" -fill '#ffffff' -stroke none
    -draw 'circle 300,300 300,36' -fill "$bg" -draw 'circle 300,300 300,44')
  # Hair behind the head.
  case $style in
    long) args+=(-fill "$hair" -draw 'roundrectangle 166,150 434,480 100,100') ;;
    bob) args+=(-fill "$hair" -draw 'roundrectangle 170,140 430,395 110,110') ;;
    ponytail) args+=(-fill "$hair" -draw 'ellipse 300,230 130,150 0,360'
      -draw 'ellipse 432,300 34,90 0,360') ;;
    short|side|bun) args+=(-fill "$hair" -draw 'ellipse 300,232 128,152 0,360') ;;
    crew) args+=(-fill "$hair" -draw 'ellipse 300,236 122,144 0,360') ;;
    grey) args+=(-fill "$hair" -draw 'ellipse 300,240 124,140 0,360') ;;
  esac
  if [ "$style" = bun ]; then args+=(-fill "$hair" -draw 'circle 300,84 300,44'); fi
  # Body, neck and collar; ears and face.
  args+=(-fill "$clothes" -draw 'ellipse 300,655 240,205 0,360'
    -fill "$skin" -draw 'roundrectangle 258,330 342,472 30,30'
    -fill '#ffffff' -draw 'polygon 248,462 300,522 352,462 332,450 300,490 268,450'
    -fill "$skin" -draw 'ellipse 186,264 20,30 0,360' -draw 'ellipse 414,264 20,30 0,360'
    -draw 'ellipse 300,252 116,138 0,360')
  # Hair over the forehead.
  case $style in
    short|ponytail) args+=(-fill "$hair" -draw 'ellipse 300,172 112,62 180,360'
      -draw 'polygon 190,172 262,172 226,206') ;;
    crew) args+=(-fill "$hair" -draw 'ellipse 300,160 108,48 180,360') ;;
    side) args+=(-fill "$hair" -draw 'ellipse 300,168 114,60 180,360'
      -draw 'polygon 186,170 330,166 226,226') ;;
    long|bob) args+=(-fill "$hair" -draw 'ellipse 300,178 120,70 180,360'
      -draw 'polygon 180,176 318,176 236,222 196,262') ;;
    bun) args+=(-fill "$hair" -draw 'ellipse 300,168 112,58 180,360') ;;
    grey) args+=(-fill "$hair" -draw 'ellipse 300,150 96,40 180,360') ;;
  esac
  # Brows, eyes, cheeks, nose and a smile.
  args+=(-stroke "$hair" -strokewidth 9 -fill none
    -draw 'arc 232,222 282,242 200,340' -draw 'arc 318,222 368,242 200,340'
    -stroke none -fill '#2b2b2b' -draw 'circle 257,264 257,276' -draw 'circle 343,264 343,276'
    -fill '#ffffff' -draw 'circle 261,260 261,264' -draw 'circle 347,260 347,264'
    -fill '#f28b82' -draw 'circle 230,314 230,332' -draw 'circle 370,314 370,332'
    -stroke '#00000030' -strokewidth 6 -draw 'line 300,272 296,306'
    -stroke '#a0403a' -strokewidth 8 -fill none -draw 'arc 262,302 338,352 25,155')
  if [ "$style" = grey ]; then
    args+=(-stroke '#00000026' -strokewidth 4 -draw 'arc 200,300 240,340 110,200'
      -draw 'arc 360,300 400,340 -20,70' -draw 'line 270,200 330,200')
  fi
  if [ "$glasses" = yes ]; then
    args+=(-stroke '#333333' -strokewidth 6 -fill none
      -draw 'circle 257,266 257,300' -draw 'circle 343,266 343,300'
      -draw 'line 291,264 309,264' -draw 'line 223,260 186,252' -draw 'line 377,260 414,252')
  fi
  convert "${args[@]}" +dither -colors 48 -strip "$out"
}

mkdir -p portraits
portrait portraits/wang-xiulan.png '#f1c9a5' '#2a1d14' '#c62828' '#fff3e0' bun no
portrait portraits/li-jianguo.png '#d9a27a' '#1a1a1a' '#33691e' '#e3f2fd' crew no
portrait portraits/zhang-guifang.png '#f3d2b6' '#cfcfcf' '#e53935' '#fce4ec' bob yes
portrait portraits/chen-zhiqiang.png '#eec4a0' '#222222' '#eceff1' '#e0f7fa' side yes
portrait portraits/liu-shuzhen.png '#e2b08a' '#3b2a1e' '#2e7d32' '#f1f8e9' ponytail no
portrait portraits/zhao-minghui.png '#c98b5b' '#333333' '#ef6c00' '#fffde7' crew no
portrait portraits/sun-lijuan.png '#f5d3b3' '#2b1b10' '#1565c0' '#ede7f6' long no
portrait portraits/zhou-haitao.png '#e0ac80' '#1f1a17' '#0277bd' '#e8f5e9' short no
portrait portraits/wu-yumei.png '#eec4a0' '#4e342e' '#ad1457' '#e0f2f1' bob no
portrait portraits/zheng-wei.png '#d49a6a' '#2a2a2a' '#455a64' '#fff8e1' side no
portrait portraits/huang-xiaoyan.png '#f3cfae' '#1f1a17' '#d32f2f' '#e3f2fd' ponytail no
portrait portraits/lin-guodong.png '#dba47c' '#bdbdbd' '#5d4037' '#f3e5f5' grey yes

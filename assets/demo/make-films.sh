#!/usr/bin/env bash
# Regenerates the demo films in films/ from the demo's own images and words,
# with FFmpeg's filters only (slow zooms and pans, captions, crossfades):
# 1920x1080, 25 frames a second, H.264 (yuv420p, fast start), no sound.
# Neither film fades to or from black: a screen shows them between other
# items and a black frame would be a gap. Needs ffmpeg and fonts-noto-cjk;
# the results are committed.
#
#   civility-crossing.mp4  20 s  public-service film: 礼让斑马线 · 光盘行动 · 文明城市
#   family-loop.mp4        16 s  a looping film: it ends on the frame it starts with
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p films
BOLD=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
REG=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
ENC=(-c:v libx264 -preset slow -crf 24 -pix_fmt yuv420p -r 25 -movflags +faststart -an)

# A still that slowly zooms in (d frames), a caption band rising in after 1 s.
zoom() { # image frames caption
  printf '%s' "[$1]scale=3840:-1,zoompan=z='min(zoom+0.0007,1.15)':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=$2:s=1920x1080:fps=25,"
  printf '%s' "drawbox=y=ih-200:w=iw:h=200:color=0x101216@0.78:t=fill:enable='gte(t,1)',"
  printf '%s' "drawtext=fontfile=$BOLD:text='$3':fontsize=84:fontcolor=white:x=(w-tw)/2:y=h-150:alpha='min(1,max(0,(t-1)/0.6))',"
  printf '%s' "setsar=1,format=yuv420p"
}

ffmpeg -v error -y \
  -loop 1 -framerate 25 -t 7 -i images/crossing.jpg \
  -loop 1 -framerate 25 -t 7 -i images/clean-plate.png \
  -f lavfi -t 8 -i "color=c=0xC8102E:s=1920x1080:r=25" \
  -filter_complex "
    $(zoom 0:v 175 '车让人 人守规 文明出行每一天')[a];
    $(zoom 1:v 175 '光盘行动 节约粮食 从我做起')[b];
    [2:v]drawtext=fontfile=$BOLD:text='文明城市 你我共建':fontsize=150:fontcolor=0xFFD978:x=(w-tw)/2:y=(h-th)/2-80:alpha='min(1,t/0.8)',
         drawtext=fontfile=$REG:text='富强 民主 文明 和谐':fontsize=64:fontcolor=white:x=(w-tw)/2:y=(h/2)+120:alpha='min(1,max(0,(t-0.8)/0.8))',
         setsar=1,format=yuv420p[c];
    [a][b]xfade=transition=fade:duration=1:offset=6[ab];
    [ab][c]xfade=transition=slideleft:duration=1:offset=12[out]" \
  -map "[out]" -t 20 "${ENC[@]}" films/civility-crossing.mp4

# A pan across two pictures and back: the last frame meets the first. The
# demo shows it to fill the main zone (fit cover): on a 1080p landscape
# screen, under the header and above the ticker, that zone is 1920x908 and
# cover cuts 86 rows off the top and the bottom, so the caption sits in the
# rows that stay (its band ends 96 rows above the bottom).
ffmpeg -v error -y \
  -loop 1 -framerate 25 -t 16 -i images/filial.png \
  -loop 1 -framerate 25 -t 16 -i images/reading.png \
  -filter_complex "
    [0:v][1:v]hstack,scale=-1:1080,setsar=1[wide];
    [wide]crop=1920:1080:x='(iw-1920)*(1-abs(1-2*t/16))':y=0,
          drawbox=y=ih-216:w=iw:h=120:color=0x101216@0.70:t=fill,
          drawtext=fontfile=$BOLD:text='孝老爱亲 · 书香社区':fontsize=68:fontcolor=white:x=(w-tw)/2:y=h-197,
          format=yuv420p[out]" \
  -map "[out]" -t 16 "${ENC[@]}" films/family-loop.mp4

ls -l films

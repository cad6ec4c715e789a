/*
 * traces/export_html.c — the self-contained timeline page (see export.h).
 *
 * The page is a fixed template (CSS and script below, no external resource)
 * with the run as one JSON object inside a <script> element:
 *
 *   {"title":..., "subtitle":..., "n": events, "end_ns": ...,
 *    "threads":[{"id","name","daemon"}...],
 *    "spans":[[thread, state, t0, t1, seq0, seq1, reason, what, deadline]...],
 *    "events":[[seq, time, thread, kind, full-view line]...],
 *    "outputs":[[seq, thread, text]...],
 *    "wakes":[[seq, waker, woken, cause]...]}
 *
 * state numbers are trace_st (states.h); each thread's last span is its
 * state at the end (possibly empty: seq0 = seq1 = the last event). Every '<' in the JSON is written as
 * \u003c, so no text from the program can close the script element.
 *
 * The x axis is the run's events, one slot each, broken where the virtual
 * clock jumps (a gap labelled with the new time): most of a threading
 * program happens at one instant, and a proportional axis would show
 * nothing but its sleeps.
 *
 * A long run (more than HTML_DETAIL events) keeps its first and last
 * HTML_EDGE events in full and summarizes the rest in one slot: an event
 * line that says how many were left out, between which times, and how to
 * see them (`threadsim show RUN --trace`); spans crossing it are cut to it,
 * threads seen only inside it get no lane, their outputs and wake-ups are
 * counted, and the page says so under its title ("note"; "total" is the
 * run's event count, "n" the page's slots). A million-event run is then a
 * page of a few MB that opens at once, where in full it was 92 MB and 27 s.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "json.h"
#include "states.h"

enum { HTML_DETAIL = 10000, HTML_EDGE = 4000 };

typedef struct html {
    sim_buf spans;            /* the "spans" array's items */
    size_t nspans;
    bool ending;              /* trace_states_end is closing the last spans */
    uint64_t total;           /* the run's events */
    uint64_t cut_lo, cut_hi;  /* events cut_lo..cut_hi (seq) are summarized; 0 0: none */
    bool *shown;              /* threads with a lane */
    uint32_t nshown;
} html;

/* The slot of event `seq` on the page's axis. */
static uint64_t html__slot(const html *h, uint64_t seq)
{
    if (!h->cut_lo || seq < h->cut_lo)
        return seq;
    if (seq <= h->cut_hi)
        return h->cut_lo;
    return seq - (h->cut_hi - h->cut_lo);
}

static bool html__cut(const html *h, uint64_t seq)
{
    return h->cut_lo && seq >= h->cut_lo && seq <= h->cut_hi;
}

static void html__show(html *h, uint32_t id)
{
    if (id != SIM_NONE && id < h->nshown)
        h->shown[id] = true;
}

static void html__str(sim_buf *b, const char *s)
{
    if (!s)
        sim_buf_adds(b, "null");
    else
        trace_json_string(b, s, strlen(s));
}

static void html__span(void *ud, const trace_span *sp)
{
    html *h = ud;
    /* an empty span matters only as a thread's final state */
    if (sp->seq1 <= sp->seq0 && !h->ending)
        return;
    /* inside the summarized part: only as a thread's final state */
    if (html__cut(h, sp->seq0) && html__cut(h, sp->seq1) && !h->ending)
        return;
    /* a final state of a thread seen only inside it: no lane */
    if (h->ending && h->cut_lo &&
        (sp->thread >= h->nshown || !h->shown[sp->thread]))
        return;
    html__show(h, sp->thread);
    sim_buf *b = &h->spans;
    sim_buf_printf(b, "%s\n[%" PRIu32 ",%d,%" PRId64 ",%" PRId64 ",%" PRIu64 ",%" PRIu64 ",",
                   h->nspans++ ? "," : "", sp->thread, (int)sp->state, sp->t0, sp->t1,
                   html__slot(h, sp->seq0), html__slot(h, sp->seq1));
    html__str(b, sp->reason);
    sim_buf_addc(b, ',');
    html__str(b, sp->what);
    sim_buf_printf(b, ",%" PRId64 "]", sp->deadline);
}

/* The first pass: how many events, the highest thread id, the end. */
typedef struct html_pass1 {
    uint64_t n;
    uint32_t maxid;
    int64_t end;
} html_pass1;

static void html__see1(void *ud, const sim_event *ev)
{
    html_pass1 *p = ud;
    p->n++;
    p->end = ev->time;
    if (ev->thread != SIM_NONE && ev->thread + 1 > p->maxid)
        p->maxid = ev->thread + 1;
    if (ev->other != SIM_NONE && ev->other + 1 > p->maxid)
        p->maxid = ev->other + 1;
}

/* The second: the page's arrays (the summarized part adds nothing to them). */
typedef struct html_pass2 {
    html *h;
    trace_states st;
    trace_names nm;
    sim_buf events, outputs, wakes, line;
    size_t nout, nwake, cut_out, cut_wake;
    int64_t cut_t0, cut_t1;
    bool first_ev;
} html_pass2;

static void html__see2(void *ud, const sim_event *evp)
{
    html_pass2 *p = ud;
    html *h = p->h;
    sim_event ev = *evp;
    trace_states_see(&p->st, &ev);
    trace_names_see(&p->nm, &ev);
    if (html__cut(h, ev.seq)) {
        if (ev.seq == h->cut_lo)
            p->cut_t0 = ev.time;
        p->cut_t1 = ev.time;
        p->cut_out += ev.kind == SIM_EV_OUTPUT;
        p->cut_wake += ev.kind == SIM_EV_WAKE;
        if (ev.seq != h->cut_hi)
            return;
        /* the summary slot */
        sim_buf_clear(&p->line);
        sim_buf_printf(&p->line,
                       "... events %" PRIu64 "-%" PRIu64 " (t=%" PRId64 ".%09" PRId64
                       " to %" PRId64 ".%09" PRId64 " s) are summarized here: %" PRIu64
                       " events, %zu outputs, %zu wake-ups (threadsim show RUN --trace "
                       "prints them all)",
                       h->cut_lo, h->cut_hi, p->cut_t0 / 1000000000, p->cut_t0 % 1000000000,
                       p->cut_t1 / 1000000000, p->cut_t1 % 1000000000, h->cut_hi - h->cut_lo + 1,
                       p->cut_out, p->cut_wake);
        sim_buf_printf(&p->events, "%s\n[%" PRIu64 ",%" PRId64 ",-1,\"summary\",",
                       p->first_ev ? "" : ",", h->cut_lo, ev.time);
        trace_json_string(&p->events, p->line.p, p->line.len);
        sim_buf_addc(&p->events, ']');
        p->first_ev = false;
        return;
    }
    html__show(h, ev.thread);
    html__show(h, ev.other);
    uint64_t slot = html__slot(h, ev.seq);
    sim_buf_clear(&p->line);
    trace_fmt_line(&p->line, &p->nm, &ev);
    if (p->line.len)
        p->line.p[--p->line.len] = '\0'; /* the newline */
    sim_buf_printf(&p->events, "%s\n[%" PRIu64 ",%" PRId64 ",%" PRId64 ",\"%s\",",
                   p->first_ev ? "" : ",", ev.seq, ev.time,
                   ev.thread == SIM_NONE ? (int64_t)-1 : (int64_t)ev.thread,
                   sim_ev_kind_name(ev.kind));
    p->first_ev = false;
    trace_json_string(&p->events, p->line.p, p->line.len);
    sim_buf_addc(&p->events, ']');
    if (ev.kind == SIM_EV_OUTPUT && ev.thread != SIM_NONE) {
        sim_buf_printf(&p->outputs, "%s\n[%" PRIu64 ",%" PRIu32 ",", p->nout++ ? "," : "", slot,
                       ev.thread);
        trace_json_string(&p->outputs, ev.text ? ev.text : "", ev.text ? ev.len : 0);
        sim_buf_addc(&p->outputs, ']');
    }
    if (ev.kind == SIM_EV_WAKE && ev.thread != SIM_NONE && ev.other != SIM_NONE) {
        sim_buf_printf(&p->wakes, "%s\n[%" PRIu64 ",%" PRIu32 ",%" PRIu32 ",",
                       p->nwake++ ? "," : "", slot, ev.thread, ev.other);
        html__str(&p->wakes, ev.reason);
        sim_buf_addc(&p->wakes, ']');
    }
}

/* The run as JSON (see the file comment). */
static int html__data(sim_buf *b, trace_source src, const trace_export_meta *m)
{
    html_pass1 p1 = {0};
    if (src.each(src.src, html__see1, &p1) != 0)
        return -1;
    html h = {0};
    h.total = p1.n;
    if (p1.n > HTML_DETAIL) {
        h.cut_lo = HTML_EDGE + 1;
        h.cut_hi = p1.n - HTML_EDGE;
    }
    h.nshown = p1.maxid;
    h.shown = calloc(p1.maxid ? p1.maxid : 1, sizeof *h.shown);
    html_pass2 p = {.h = &h, .first_ev = true};
    trace_states_init(&p.st, html__span, &h);
    trace_names_init(&p.nm);
    int rc = src.each(src.src, html__see2, &p);
    h.ending = true;
    trace_states_end(&p.st);

    sim_buf *line = &p.line;
    sim_buf_adds(b, "{\"title\":");
    html__str(b, m->title);
    sim_buf_adds(b, ",\"subtitle\":");
    html__str(b, m->subtitle);
    uint64_t slots = html__slot(&h, p1.n);
    sim_buf_printf(b, ",\"n\":%" PRIu64 ",\"total\":%" PRIu64 ",\"end_ns\":%" PRId64
                      ",\"note\":",
                   slots, p1.n, p1.n ? p1.end : 0);
    if (h.cut_lo) {
        sim_buf_clear(line);
        sim_buf_printf(line,
                       "A long run: the first and last %d events are shown in full; the %" PRIu64
                       " between them (events %" PRIu64 "-%" PRIu64
                       ") are summarized in one slot of the timeline, and threads seen only "
                       "there have no lane. threadsim show RUN --trace prints every event.",
                       HTML_EDGE, h.cut_hi - h.cut_lo + 1, h.cut_lo, h.cut_hi);
        trace_json_string(b, line->p, line->len);
    } else {
        sim_buf_adds(b, "null");
    }
    sim_buf_adds(b, ",\n\"threads\":[");
    bool first = true;
    for (uint32_t i = 0; i < p.st.n; i++) {
        if (!p.st.th[i].known || (h.cut_lo && (i >= h.nshown || !h.shown[i])))
            continue;
        sim_buf_printf(b, "%s\n{\"id\":%" PRIu32 ",\"name\":", first ? "" : ",", i);
        html__str(b, p.st.th[i].name);
        sim_buf_printf(b, ",\"daemon\":%s}", p.st.th[i].daemon ? "true" : "false");
        first = false;
    }
    sim_buf_adds(b, "],\n\"spans\":[");
    sim_buf_add(b, sim_buf_str(&h.spans), h.spans.len);
    sim_buf_adds(b, "],\n\"events\":[");
    sim_buf_add(b, sim_buf_str(&p.events), p.events.len);
    sim_buf_adds(b, "],\n\"outputs\":[");
    sim_buf_add(b, sim_buf_str(&p.outputs), p.outputs.len);
    sim_buf_adds(b, "],\n\"wakes\":[");
    sim_buf_add(b, sim_buf_str(&p.wakes), p.wakes.len);
    sim_buf_adds(b, "]}");
    trace_states_fini(&p.st);
    trace_names_fini(&p.nm);
    sim_buf_free(&h.spans);
    sim_buf_free(&p.events);
    sim_buf_free(&p.outputs);
    sim_buf_free(&p.wakes);
    sim_buf_free(&p.line);
    free(h.shown);
    return rc;
}

static const char html__head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta name=\"generator\" content=\"threadsim\">\n"
    "<title>threadsim timeline</title>\n"
    "<style>\n"
    "body{font:14px/1.4 system-ui,sans-serif;margin:16px 20px;color:#1d1d1f;background:#fff}\n"
    "h1{font-size:19px;margin:0 0 2px}\n"
    "#sub{color:#555;margin:0 0 8px}\n"
    ".legend span{display:inline-block;margin-right:14px}\n"
    ".sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}\n"
    "#wrap{overflow-x:auto;border:1px solid #ddd;border-radius:4px;margin:8px 0}\n"
    "svg text{font:12px system-ui,sans-serif;fill:#1d1d1f}\n"
    "svg .axis{font-size:11px;fill:#555}\n"
    "svg .span,svg .mark{cursor:pointer}\n"
    "#controls{display:flex;align-items:center;gap:8px;margin:6px 0}\n"
    "#controls button{font:14px monospace;min-width:34px}\n"
    "#slider{flex:1}\n"
    "#pos{font-family:monospace;white-space:nowrap}\n"
    "#line,#details{font-family:monospace;white-space:pre-wrap;background:#f5f5f7;"
    "padding:6px 8px;border-radius:4px;margin:4px 0}\n"
    "#cols{display:flex;gap:20px;align-items:flex-start}\n"
    "#cols>div{flex:1;min-width:0}\n"
    "h2{font-size:14px;margin:8px 0 4px}\n"
    "table{border-collapse:collapse;font-family:monospace}\n"
    "td{padding:1px 10px 1px 0;vertical-align:top}\n"
    "#out{font-family:monospace;white-space:pre;background:#f5f5f7;padding:6px 8px;"
    "border-radius:4px;margin:0;overflow-x:auto}\n"
    "#out .last{background:#ffe9a8}\n"
    "</style></head><body>\n"
    "<h1 id=\"title\"></h1><p id=\"sub\"></p>\n"
    "<div class=\"legend\" id=\"legend\"></div>\n"
    "<div id=\"wrap\"><svg id=\"tl\" xmlns=\"http://www.w3.org/2000/svg\"></svg></div>\n"
    "<div id=\"controls\"><button id=\"first\" title=\"start\">|&lt;</button>"
    "<button id=\"prev\" title=\"previous event\">&lt;</button>"
    "<button id=\"play\" title=\"play\">&#9654;</button>"
    "<button id=\"next\" title=\"next event\">&gt;</button>"
    "<button id=\"last\" title=\"end\">&gt;|</button>"
    "<input type=\"range\" id=\"slider\" min=\"0\" value=\"0\">"
    "<span id=\"pos\"></span></div>\n"
    "<div id=\"line\"></div>\n"
    "<div id=\"cols\"><div><h2>Threads</h2><table id=\"states\"></table></div>"
    "<div><h2>Output so far</h2><pre id=\"out\"></pre></div></div>\n"
    "<h2>Details</h2><div id=\"details\">Click a span or a mark on the timeline.</div>\n"
    "<script>\nvar RUN = ";

static const char html__tail[] =
    ";\n</script>\n<script>\n"
    "(function(){\n"
    "'use strict';\n"
    "var R=RUN, N=R.n;\n"
    "var ST=['new','running','ready','blocked','sleeping','finished','killed'];\n"
    "var COL=['#d9d9d9','#2e9d4f','#f0b429','#d64541','#3b7dd8','#b0b0b0','#555555'];\n"
    "var SVGNS='http://www.w3.org/2000/svg';\n"
    "function el(tag,attrs,parent){var e=document.createElementNS(SVGNS,tag);"
    "for(var k in attrs)e.setAttribute(k,attrs[k]);if(parent)parent.appendChild(e);return e;}\n"
    "function tip(e,text){var t=el('title',{},e);t.textContent=text;}\n"
    "function fmt(ns){if(ns<0)return 'none';var s=Math.floor(ns/1e9),f=String(ns%1e9);"
    "while(f.length<9)f='0'+f;return s+'.'+f;}\n"
    "document.getElementById('title').textContent=R.title;\n"
    "document.title=R.title+' \\u2014 threadsim timeline';\n"
    "document.getElementById('sub').textContent=(R.subtitle?R.subtitle+' \\u00b7 ':'')+"
    "(R.total||N)+' events \\u00b7 ends at t='+fmt(R.end_ns)+' s (virtual)';\n"
    "if(R.note){var nt=document.createElement('p');nt.id='note';nt.textContent=R.note;"
    "var sb=document.getElementById('sub');sb.parentNode.insertBefore(nt,sb.nextSibling);}\n"
    "var lg=document.getElementById('legend');\n"
    "[1,2,3,4,5,6].forEach(function(i){var s=document.createElement('span');"
    "s.innerHTML='<i class=\"sw\" style=\"background:'+COL[i]+'\"></i>'+ST[i];lg.appendChild(s);});\n"
    "var o=document.createElement('span');o.innerHTML='<i class=\"sw\" style=\"background:#111;"
    "width:8px\"></i>output';lg.appendChild(o);\n"
    "var w=document.createElement('span');w.innerHTML='<i class=\"sw\" style=\"background:#888;"
    "height:2px\"></i>wake-up';lg.appendChild(w);\n"
    "/* geometry: lanes of LH px after an axis of TOP px; slots of W px; gaps of G px */\n"
    "var L=150, TOP=30, LH=34, BH=20, G=34, PAD=8;\n"
    "var lane={};R.threads.forEach(function(t,i){lane[t.id]=i;});\n"
    "var jumps=[0];for(var k=1;k<=N;k++){var j=(k>1&&R.events[k-1][1]>R.events[k-2][1])?1:0;"
    "jumps.push(jumps[k-1]+j);}\n"
    "var avail=Math.max(600,(document.getElementById('wrap').clientWidth||1100)-L-2*PAD-4);\n"
    "var W=Math.max(6,Math.min(28,Math.floor((avail-jumps[N]*G)/Math.max(1,N))));\n"
    "function bx(k){return L+PAD+k*W+jumps[k]*G;}\n"
    "var width=bx(N)+PAD+10, height=TOP+LH*R.threads.length+8;\n"
    "var svg=document.getElementById('tl');svg.setAttribute('width',width);"
    "svg.setAttribute('height',height);\n"
    "function laneY(id){return TOP+LH*lane[id];}\n"
    "/* lane backgrounds and names */\n"
    "R.threads.forEach(function(t,i){var y=TOP+LH*i;"
    "el('rect',{x:0,y:y,width:width,height:LH,fill:i%2?'#fafafa':'#f0f0f2'},svg);"
    "var tx=el('text',{x:8,y:y+LH/2+4},svg);tx.textContent=t.name+(t.daemon?' (daemon)':'');});\n"
    "/* the axis: time labels where the clock jumps */\n"
    "var lastx=-1e9;\n"
    "function label(x,ns){if(x-lastx<70)return;lastx=x;var t=el('text',{x:x+2,y:18,"
    "'class':'axis'},svg);t.textContent='t='+fmt(ns);}\n"
    "label(bx(0),0);\n"
    "for(var k=1;k<=N;k++){if(jumps[k]>jumps[k-1]){var x=bx(k)-W;"
    "el('line',{x1:x-G/2,y1:TOP-4,x2:x-G/2,y2:height,stroke:'#999','stroke-dasharray':'3,3'},svg);"
    "label(x-G/2,R.events[k-1][1]);}}\n"
    "/* spans */\n"
    "var spanEls=[];\n"
    "R.spans.forEach(function(s){var st=s[1];if(st===0||!(s[0] in lane))return;"
    "if(s[4]===s[5]&&st!==6)return;"
    "var x0=bx(s[4]),x1=bx(s[5]),y=laneY(s[0]);"
    "var thin=(st===5||st===6);"
    "var r=el('rect',{x:x0,y:thin?y+LH/2-1:y+(LH-BH)/2,width:Math.max(1,x1-x0),height:thin?2:BH,"
    "fill:COL[st],'class':'span'},svg);"
    "var d=ST[st]+(s[6]?' ('+s[6]+(s[7]?' '+s[7]:'')+')':'')+(s[8]>=0?' until '+fmt(s[8]):'')+"
    "'\\nfrom event '+s[4]+' (t='+fmt(s[2])+') to event '+s[5]+' (t='+fmt(s[3])+')';"
    "tip(r,R.threads[lane[s[0]]].name+': '+d);"
    "r.addEventListener('click',function(ev){details(R.threads[lane[s[0]]].name+': '+d);"
    "seekX(ev);});spanEls.push(r);"
    "if(st===6){var cx=x0,cy=y+LH/2;el('path',{d:'M'+(cx-5)+' '+(cy-5)+'L'+(cx+5)+' '+(cy+5)+"
    "'M'+(cx+5)+' '+(cy-5)+'L'+(cx-5)+' '+(cy+5),stroke:'#111','stroke-width':2},svg);}});\n"
    "/* wake-ups */\n"
    "var defs=el('defs',{},svg);var mk=el('marker',{id:'ah',markerWidth:6,markerHeight:6,"
    "refX:5,refY:3,orient:'auto'},defs);el('path',{d:'M0,0L6,3L0,6z',fill:'#666'},mk);\n"
    "R.wakes.forEach(function(wk){if(!(wk[1] in lane)||!(wk[2] in lane))return;"
    "var x=bx(wk[0])-W/2,y1=laneY(wk[1])+LH/2,y2=laneY(wk[2])+LH/2;"
    "var l=el('line',{x1:x,y1:y1,x2:x,y2:y2+(y2>y1?-(BH/2):BH/2),stroke:'#666',"
    "'stroke-width':1.5,'marker-end':'url(#ah)'},svg);"
    "tip(l,R.threads[lane[wk[1]]].name+' wakes '+R.threads[lane[wk[2]]].name+' ('+wk[3]+"
    "') at event '+wk[0]);});\n"
    "/* output marks */\n"
    "R.outputs.forEach(function(o){if(!(o[1] in lane))return;var x=bx(o[0])-W/2,y=laneY(o[1]);"
    "var m=el('path',{d:'M'+(x-4)+' '+(y+2)+'L'+(x+4)+' '+(y+2)+'L'+x+' '+(y+(LH-BH)/2+5)+'z',"
    "fill:'#111','class':'mark'},svg);var txt=o[2].replace(/\\n$/,'');"
    "tip(m,'event '+o[0]+': '+txt);"
    "m.addEventListener('click',function(){details(R.events[o[0]-1][4]);seek(o[0]);});});\n"
    "/* the replay cursor: the part of the run after it is dimmed */\n"
    "var fog=el('rect',{x:0,y:TOP-4,width:0,height:height,fill:'#fff','fill-opacity':0.6,"
    "'pointer-events':'none'},svg);\n"
    "var cur=el('line',{x1:0,y1:TOP-6,x2:0,y2:height,stroke:'#c2185b','stroke-width':2,"
    "'pointer-events':'none'},svg);\n"
    "var slider=document.getElementById('slider');slider.max=N;\n"
    "function details(s){document.getElementById('details').textContent=s;}\n"
    "function seekX(ev){var r=svg.getBoundingClientRect(),x=ev.clientX-r.left,k=0;"
    "while(k<N&&bx(k+1)-W<x)k++;seek(k);}\n"
    "function stateAt(id,k){var best=null;for(var i=0;i<R.spans.length;i++){var s=R.spans[i];"
    "if(s[0]!==id)continue;if(s[4]<=k&&(k<s[5]||(k===N&&s[5]===N)))best=s;}return best;}\n"
    "function show(k){var x=bx(k);cur.setAttribute('x1',x);cur.setAttribute('x2',x);"
    "fog.setAttribute('x',x);fog.setAttribute('width',Math.max(0,width-x));"
    "var t=k>0?R.events[k-1][1]:0;"
    "document.getElementById('pos').textContent='event '+(k>0?R.events[k-1][0]:0)+'/'+(R.total||N)+'  t='+fmt(t);"
    "document.getElementById('line').textContent=k>0?R.events[k-1][4]:'(before the first event)';"
    "var tb=document.getElementById('states');tb.innerHTML='';"
    "R.threads.forEach(function(th){var s=stateAt(th.id,k);var tr=document.createElement('tr');"
    "var a=document.createElement('td'),b=document.createElement('td'),c=document.createElement('td');"
    "a.textContent=th.name;b.textContent=s?ST[s[1]]:'\\u2014';if(s)b.style.color=COL[s[1]];"
    "c.textContent=s?((s[6]?s[6]+(s[7]?' '+s[7]:''):'')+(s[8]>=0?' until '+fmt(s[8]):'')):'';"
    "tr.appendChild(a);tr.appendChild(b);tr.appendChild(c);tb.appendChild(tr);});"
    "var out=document.getElementById('out');out.innerHTML='';var lastSeq=-1;"
    "R.outputs.forEach(function(o){if(o[0]<=k)lastSeq=o[0];});"
    "R.outputs.forEach(function(o){if(o[0]>k)return;var sp=document.createElement('span');"
    "sp.textContent=o[2];if(o[0]===lastSeq)sp.className='last';out.appendChild(sp);});}\n"
    "function seek(k){k=Math.max(0,Math.min(N,k|0));slider.value=k;show(k);}\n"
    "slider.addEventListener('input',function(){show(+slider.value);});\n"
    "var timer=null;function stop(){if(timer){clearInterval(timer);timer=null;}}\n"
    "document.getElementById('first').onclick=function(){stop();seek(0);};\n"
    "document.getElementById('last').onclick=function(){stop();seek(N);};\n"
    "document.getElementById('prev').onclick=function(){stop();seek(+slider.value-1);};\n"
    "document.getElementById('next').onclick=function(){stop();seek(+slider.value+1);};\n"
    "document.getElementById('play').onclick=function(){if(timer){stop();return;}"
    "if(+slider.value>=N)seek(0);timer=setInterval(function(){if(+slider.value>=N){stop();return;}"
    "seek(+slider.value+1);},250);};\n"
    "document.addEventListener('keydown',function(e){if(e.key==='ArrowLeft'){stop();"
    "seek(+slider.value-1);}else if(e.key==='ArrowRight'){stop();seek(+slider.value+1);}});\n"
    "var h=location.hash.match(/^#(\\d+)$/);seek(h?+h[1]:N);\n"
    "})();\n"
    "</script>\n</body></html>\n";

int trace_export_html(trace_out *o, trace_source src, const trace_export_meta *m)
{
    sim_buf data = {0};
    int rc = html__data(&data, src, m);
    sim_buf *b = o->b;
    sim_buf_add(b, html__head, sizeof html__head - 1);
    /* JSON inside <script>: no '<' may reach the HTML parser */
    const char *p = sim_buf_str(&data);
    for (size_t i = 0; i < data.len; i++) {
        if (p[i] == '<')
            sim_buf_adds(b, "\\u003c");
        else
            sim_buf_addc(b, p[i]);
    }
    sim_buf_add(b, html__tail, sizeof html__tail - 1);
    sim_buf_free(&data);
    return rc;
}

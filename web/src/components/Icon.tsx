// Line icons on a 24×24 grid, drawn for Parley.
import type { IconName } from '../inbox/model';

type Shape = ['path', { d: string }] | ['circle', { cx: number; cy: number; r: number }] | ['rect', { x: number; y: number; width: number; height: number; rx: number }];

const ICONS: Record<IconName, Shape[]> = {
  image: [['rect', { x: 3, y: 5, width: 18, height: 14, rx: 2 }], ['circle', { cx: 8.5, cy: 10, r: 1.6 }], ['path', { d: 'M21 15.5l-5-4.5-9 8' }]],
  video: [['rect', { x: 2.5, y: 6, width: 13, height: 12, rx: 2 }], ['path', { d: 'M15.5 10.5l6-3.5v10l-6-3.5z' }]],
  document: [['path', { d: 'M14 3H6.5A1.5 1.5 0 0 0 5 4.5v15A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0 1.5-1.5V8z' }], ['path', { d: 'M14 3v5h5M8.5 13h7M8.5 16.5h7' }]],
  mic: [['rect', { x: 9, y: 3, width: 6, height: 11, rx: 3 }], ['path', { d: 'M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21' }]],
  audio: [['path', { d: 'M9 18V5.5l11-2.5v12.5' }], ['circle', { cx: 6, cy: 18, r: 3 }], ['circle', { cx: 17, cy: 15.5, r: 3 }]],
  sticker: [['path', { d: 'M4 5.5A1.5 1.5 0 0 1 5.5 4h13A1.5 1.5 0 0 1 20 5.5V13l-7 7H5.5A1.5 1.5 0 0 1 4 18.5z' }], ['path', { d: 'M20 13h-5.5a1.5 1.5 0 0 0-1.5 1.5V20' }]],
  location: [['path', { d: 'M12 21s-7-6.1-7-11.5a7 7 0 0 1 14 0C19 14.9 12 21 12 21z' }], ['circle', { cx: 12, cy: 9.5, r: 2.5 }]],
  contact: [['circle', { cx: 12, cy: 8, r: 4 }], ['path', { d: 'M4 21a8 8 0 0 1 16 0' }]],
  cart: [['path', { d: 'M2.5 4h2.5l2.4 11h10.3l2.1-8H6.1' }], ['circle', { cx: 9, cy: 19.5, r: 1.5 }], ['circle', { cx: 17, cy: 19.5, r: 1.5 }]],
  reaction: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5v.5M15 9.5v.5' }]],
  tap: [['path', { d: 'M5 3.5l13.5 6.5-5.8 1.9-2 5.9z' }], ['path', { d: 'M13 13l6 6' }]],
  info: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'M12 11v6M12 7.5v.5' }]],
  warning: [['path', { d: 'M12 3.5L21.5 20h-19z' }], ['path', { d: 'M12 10v4.5M12 17.3v.4' }]],
  reply: [['path', { d: 'M9.5 14.5L4.5 9.5l5-5' }], ['path', { d: 'M4.5 9.5h9a6 6 0 0 1 6 6v4' }]],
  forward: [['path', { d: 'M14.5 14.5l5-5-5-5' }], ['path', { d: 'M19.5 9.5h-9a6 6 0 0 0-6 6v4' }]],
  ad: [['path', { d: 'M3.5 9.5v5h3.5l8 4.5v-14l-8 4.5z' }], ['path', { d: 'M18.5 9a4 4 0 0 1 0 6' }]],
  check: [['path', { d: 'M6 12.5l3.5 3.5 8.5-9' }]],
  checks: [['path', { d: 'M3.5 12.5l3.5 3.5 8-8.5' }], ['path', { d: 'M11.5 15l1 1 8-8.5' }]],
  clock: [['circle', { cx: 12, cy: 12, r: 8.5 }], ['path', { d: 'M12 7.5V12l3 2' }]],
  back: [['path', { d: 'M15 5l-7 7 7 7' }]],
  down: [['path', { d: 'M6 9.5l6 6 6-6' }]],
  send: [['path', { d: 'M5 12L3.5 4.8a.6.6 0 0 1 .83-.67L20.6 11.45a.6.6 0 0 1 0 1.1L4.33 19.87a.6.6 0 0 1-.83-.67z' }], ['path', { d: 'M5 12h7' }]],
  close: [['path', { d: 'M6.5 6.5l11 11M17.5 6.5l-11 11' }]],
  retry: [['path', { d: 'M19.5 12a7.5 7.5 0 1 1-2.2-5.3' }], ['path', { d: 'M19.5 4.5v4h-4' }]],
  template: [['rect', { x: 4, y: 3.5, width: 16, height: 17, rx: 2 }], ['path', { d: 'M8 8.5h8M8 12h8M8 15.5h4.5' }]],
  shield: [['path', { d: 'M12 3.5l7 2.8v5.2c0 4.3-3 7.7-7 9-4-1.3-7-4.7-7-9V6.3z' }], ['path', { d: 'M9.2 12l2 2 3.8-4' }]],
  inbox: [['path', { d: 'M3.5 13.5l2.5-8h12l2.5 8v5a1.5 1.5 0 0 1-1.5 1.5H5a1.5 1.5 0 0 1-1.5-1.5z' }], ['path', { d: 'M3.5 13.5h5l1 2.5h5l1-2.5h5' }]],
  tasks: [['rect', { x: 4, y: 4, width: 16, height: 16, rx: 2 }], ['path', { d: 'M8 12l2.5 2.5L16 9' }]],
  pipeline: [['rect', { x: 3.5, y: 4, width: 4.5, height: 16, rx: 1 }], ['rect', { x: 9.75, y: 4, width: 4.5, height: 11, rx: 1 }], ['rect', { x: 16, y: 4, width: 4.5, height: 7, rx: 1 }]],
  dashboard: [['path', { d: 'M4 20V10M10 20V4M16 20v-7M22 20H2' }]],
  settings: [['circle', { cx: 12, cy: 12, r: 3 }], ['path', { d: 'M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1' }]],
  signout: [['path', { d: 'M14 4H6a1.5 1.5 0 0 0-1.5 1.5v13A1.5 1.5 0 0 0 6 20h8' }], ['path', { d: 'M10 12h10M16.5 8.5L20 12l-3.5 3.5' }]],
  plus: [['path', { d: 'M12 5v14M5 12h14' }]],
  phone: [['rect', { x: 7, y: 2.5, width: 10, height: 19, rx: 2 }], ['path', { d: 'M11 18h2' }]],
  bell: [['path', { d: 'M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z' }], ['path', { d: 'M10 20.5a2 2 0 0 0 4 0' }]],
  edit: [['path', { d: 'M4.5 19.5h4l10-10a2.8 2.8 0 0 0-4-4l-10 10z' }], ['path', { d: 'M13 7l4 4' }]],
  // A paperclip: on a phone Attach shows its icon alone, beside the template button's sheet.
  attach: [['path', { d: 'M19.5 11.5l-7.6 7.6a4.8 4.8 0 0 1-6.8-6.8l8.3-8.3a3.2 3.2 0 0 1 4.5 4.5l-8.2 8.2a1.6 1.6 0 0 1-2.3-2.3l7.4-7.4' }]],
  deleted: [['circle', { cx: 12, cy: 12, r: 8.5 }], ['path', { d: 'M6 6l12 12' }]],
};

export function Icon({ name, class: className = 'icon' }: { name: IconName; class?: string }) {
  return (
    <svg viewBox="0 0 24 24" class={className} aria-hidden="true" focusable="false">
      {(ICONS[name] ?? ICONS.info).map(([tag, attrs], i) =>
        tag === 'path' ? <path key={i} {...attrs} /> : tag === 'circle' ? <circle key={i} {...attrs} /> : <rect key={i} {...attrs} />)}
    </svg>
  );
}

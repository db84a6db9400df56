/** The player bar's icons: inline SVG (no icon font, no image request), hidden from screen readers (buttons have labels). */
import type { ReactNode } from 'react';

function Icon({ children }: { readonly children: ReactNode }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export const PlayIcon = () => (
  <Icon>
    <path d="M7 4.5v15l12-7.5z" fill="currentColor" />
  </Icon>
);

export const PauseIcon = () => (
  <Icon>
    <path d="M6 4h4v16H6zM14 4h4v16h-4z" fill="currentColor" />
  </Icon>
);

export const VolumeIcon = ({ muted }: { readonly muted: boolean }) => (
  <Icon>
    <path d="M4 9v6h4l5 4V5L8 9z" fill="currentColor" />
    {muted ? (
      <path d="M16 9l5 6M21 9l-5 6" stroke="currentColor" strokeWidth="2" fill="none" />
    ) : (
      <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" stroke="currentColor" strokeWidth="2" fill="none" />
    )}
  </Icon>
);

export const TheatreIcon = () => (
  <Icon>
    <rect x="2" y="5" width="20" height="14" rx="1.5" stroke="currentColor" strokeWidth="2" fill="none" />
    <path d="M16 5v14" stroke="currentColor" strokeWidth="2" />
  </Icon>
);

export const FullscreenIcon = ({ on }: { readonly on: boolean }) => (
  <Icon>
    <path
      d={on ? 'M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5' : 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5'}
      stroke="currentColor"
      strokeWidth="2"
      fill="none"
    />
  </Icon>
);

"use client";

import { useEffect, useRef, useState } from "react";

/**
 * The merchant's logo in the header, or their name when the logo does not load (a logo address
 * that stopped working must not leave the customer with an empty header).
 */
export function MerchantLogo({ src, name }: { src: string; name: string }) {
  const [failed, setFailed] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  useEffect(() => {
    // An image that failed before hydration fired its error event before React listened.
    const img = image.current;
    if (img && img.complete && img.naturalWidth === 0) setFailed(true);
  }, []);
  if (failed) return <span className="truncate text-lg font-semibold tracking-tight">{name}</span>;
  return (
    <span className="inline-flex items-center rounded-md bg-white px-2 py-1">
      {/* Any host: next/image would need every merchant's host configured. No referrer: the page's address holds the link's token. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img
        ref={image}
        src={src}
        alt={name}
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
        className="h-8 w-auto max-w-40 object-contain"
      />
    </span>
  );
}

// The root layout every App Router page needs; nothing else (no fonts: the smoke suite runs offline).
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

// The root layout every App Router app needs.
export const metadata = { title: "Products: commerce-fetch with Next.js" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

export const dynamic = 'force-dynamic';

function buildQuarterlyReport(ms) {
  const end = Date.now() + ms;
  let rows = 0;
  while (Date.now() < end) rows += 1;
  return { quarter: 'Q3', rows };
}

export function GET(request) {
  const ms = Number(new URL(request.url).searchParams.get('ms') ?? 3000);
  return Response.json(buildQuarterlyReport(ms));
}

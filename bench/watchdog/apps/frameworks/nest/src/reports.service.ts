import { Injectable } from '@nestjs/common';

@Injectable()
export class ReportsService {
  buildQuarterlyReport(ms: number): { quarter: string; rows: number } {
    const end = Date.now() + ms;
    let rows = 0;
    while (Date.now() < end) rows += 1;
    return { quarter: 'Q3', rows };
  }

  matchesSkuPattern(sku: string): boolean {
    return /^(a+)+$/.test(sku);
  }
}

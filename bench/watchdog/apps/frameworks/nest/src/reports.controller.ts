import { Controller, Get, Query } from '@nestjs/common';
import { ReportsService } from './reports.service';

@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('reports/quarterly')
  quarterly(@Query('ms') ms?: string): { quarter: string; rows: number } {
    return this.reports.buildQuarterlyReport(Number(ms ?? 3000));
  }

  @Get('skus/check')
  checkSku(@Query('sku') sku?: string): { valid: boolean } {
    return { valid: this.reports.matchesSkuPattern(sku ?? '') };
  }
}

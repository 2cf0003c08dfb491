import { type DynamicModule, Module } from '@nestjs/common';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type SearchIndex } from '@recollect/search-index';
import { QueryController } from './query.controller';
import { RetrieveController } from './retrieve/retrieve.controller';
import { RetrieveService } from './retrieve/retrieve.service';
import { SEARCH_SCORING, scoringWith, type SearchScoring } from './search/hybrid-fusion';
import { SearchService } from './search/search.service';
import { ViewService } from './view/view.service';

export interface QueryOptions {
  searchIndex: SearchIndex;
  embedder: Embedder;
  /** Over the defaults of hybrid-fusion.ts. */
  scoring?: Partial<SearchScoring>;
}

@Module({})
export class QueryModule {
  static forRoot(options: QueryOptions): DynamicModule {
    return {
      module: QueryModule,
      controllers: [QueryController, RetrieveController],
      providers: [
        { provide: SEARCH_INDEX, useValue: options.searchIndex },
        { provide: EMBEDDER, useValue: options.embedder },
        { provide: SEARCH_SCORING, useValue: scoringWith(options.scoring) },
        SearchService,
        ViewService,
        RetrieveService,
      ],
    };
  }
}
